// Parity runners of the BiModalPMA cases (filled in when the method lands; until then its cases wait
// in Tests/Fixtures/parity-planned/).
import ZooTensor
import ZooTestSupport

let bimodalPMAParityRunners: [String: ParityRunner] = [:]
