import AsyncHTTPClient
import NIOCore
import NIOHTTP1

extension HTTPClient {
    /// Sends one delivery request and returns the answer's status code with the start of its body (4 KiB at
    /// most, read so the connection can be reused). No answer at all (refused, timed out) is a retryable
    /// ``DeliveryError`` that starts with `label`; what a status means is the caller's to say.
    func deliver(_ request: HTTPClientRequest, timeout: TimeAmount, label: String) async throws
        -> (code: Int, body: String)
    {
        let response: HTTPClientResponse
        do {
            response = try await execute(request, timeout: timeout)
        } catch {
            throw DeliveryError("\(label): \(error)")
        }
        let body = String(buffer: (try? await response.body.collect(upTo: 4_096)) ?? ByteBuffer())
        return (Int(response.status.code), body)
    }
}
