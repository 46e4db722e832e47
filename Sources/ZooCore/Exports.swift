// `Batch` lives in ZooData (datasets build batches) but is part of the core vocabulary every
// method uses, so importing ZooCore brings it along.
@_exported import ZooData
