// ZooData: what turns people's data into tensors — CLIP's tokenizer, image and video decoding,
// CLIP preprocessing, and (later) the datasets. It knows nothing of models.
