// X-CLIP: End-to-End Multi-grained Contrastive Learning for Video-Text Retrieval.
// Yiwei Ma, Guohai Xu, Xiaoshuai Sun, Ming Yan, Ji Zhang, Rongrong Ji — 2022, arXiv:2207.07285.
// X-CLIP's word and frame matrices are sized by max_words and max_frames: callers (the composed
// model, `zoo similarity`) check inputs first. Deviations: none.
import ZooCore

extension XCLIPHead: InputValidatingHead {}
