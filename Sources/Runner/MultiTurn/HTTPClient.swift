import Core
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Store

/// JSON over HTTP for the supervisor providers: a timeout, retries with backoff on 429 and 5xx
/// (honouring Retry-After), and the provider's own error text on failure. Headers are never logged.
struct HTTPClient: Sendable {
    var timeout: Double = 60
    var maxRetries = 3
    /// Seconds before the first retry when the server gives no Retry-After; doubled each time.
    var backoff: Double = 1
    /// What the requests are for, in error messages.
    var purpose = "supervisor"

    /// One session for every supervisor and judge request. URLSession.shared keeps at most 6 connections per host,
    /// which would hold conversations in flight (`--concurrency`) to 6 supervisor calls at once.
    static let session: URLSession = {
        let configuration = URLSessionConfiguration.default
        configuration.httpMaximumConnectionsPerHost = 512
        return URLSession(configuration: configuration)
    }()

    func postJSON(_ url: URL, headers: [String: String], body: JSON) async throws -> JSON {
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.httpBody = Data(body.text.utf8)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        var attempt = 0
        while true {
            let data: Data
            let response: URLResponse
            do {
                (data, response) = try await Self.session.data(for: request)
            } catch {
                if attempt < maxRetries {
                    attempt += 1
                    try await Task.sleep(nanoseconds: UInt64(backoff * pow(2, Double(attempt - 1)) * 1e9))
                    continue
                }
                throw SupervisorError(description: "the \(purpose) request to \(url.absoluteString) failed: \(error.localizedDescription)")
            }
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            let text = String(decoding: data, as: UTF8.self)
            if status == 429 || (500...599).contains(status), attempt < maxRetries {
                attempt += 1
                let retryAfter = (response as? HTTPURLResponse)?.value(forHTTPHeaderField: "Retry-After").flatMap(Double.init)
                // The provider is saturated: fewer runs start for a while, across all workers (RateLimiter.swift).
                if status == 429 { RateLimiter.current?.slowDown(retryAfter: retryAfter) }
                let delay = min(retryAfter ?? backoff * pow(2, Double(attempt - 1)), 120)
                try await Task.sleep(nanoseconds: UInt64(delay * 1e9))
                continue
            }
            guard (200...299).contains(status) else {
                throw SupervisorError(description: "the \(purpose) request to \(url.absoluteString) failed with HTTP \(status): "
                    + (text.count > 500 ? String(text.prefix(500)) + "…" : text))
            }
            do {
                return try JSON.parse(text)
            } catch {
                throw SupervisorError(description: "the \(purpose) HTTP response is not JSON: \(text.prefix(200))")
            }
        }
    }
}
