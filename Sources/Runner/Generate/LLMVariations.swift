import Core
import Foundation
import Store

/// Asks the model for each planned variation, a bounded number at a time, with a progress line.
enum LLMVariations {
    /// One result per planned variation, in plan order; nil where the request failed (reported on stderr).
    static func generate(_ plan: [PlannedVariation], model: VariationModel, concurrency: Int, console: Console,
                         strategyPrompts: JSON?, template: String?) async -> [GeneratedInput?] {
        var results = [GeneratedInput?](repeating: nil, count: plan.count)
        let progress = GenerationProgress(total: plan.count, console: console)
        await withTaskGroup(of: (Int, Result<GeneratedInput, Error>).self) { group in
            var next = 0
            func launch() {
                let index = next
                let item = plan[index]
                next += 1
                group.addTask {
                    let prompt = VariationPrompt.build(input: item.base.input, baseMetadata: item.base.metadata, persona: item.persona,
                                                       strategy: item.strategy, strategyPrompts: strategyPrompts, template: template)
                    do {
                        let text = try await model.complete(prompt)
                        var hash = FNV1a()
                        hash.combine(prompt)
                        let extra: [(key: String, value: JSON)] = [
                            ("provider", .string(model.provider.rawValue)), ("model", .string(model.model)),
                            ("prompt_hash", .string(String(hash.value, radix: 16))),
                        ]
                        return (index, .success(GeneratedInput(input: text, metadata: item.metadata(extra: extra))))
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            while next < min(concurrency, plan.count) { launch() }
            for await (index, result) in group {
                switch result {
                case let .success(input): results[index] = input
                case let .failure(error):
                    let item = plan[index]
                    progress.clearLine()
                    console.warn("variation \(index + 1) (base input \(item.baseIndex + 1), \(item.persona?.name ?? "no persona"), "
                        + "\(item.strategy.rawValue)) failed and is skipped: \(redacted(error, key: model.apiKey))")
                }
                progress.advance(failed: results[index] == nil)
                if next < plan.count { launch() }
            }
        }
        progress.finish()
        return results
    }

    /// An error's text with the key cut out, should a server ever echo it back.
    static func redacted(_ error: Error, key: String) -> String {
        let text = "\(error)"
        return key.count >= 4 ? text.replacingOccurrences(of: key, with: "***") : text
    }
}

/// "Generating 12/40 (1 failed)": redrawn in place on a terminal, a line per tenth otherwise.
final class GenerationProgress: @unchecked Sendable {
    private let total: Int
    private let console: Console
    private var done = 0
    private var failed = 0
    private var lastDecile = -1

    init(total: Int, console: Console) {
        self.total = total
        self.console = console
    }

    func advance(failed didFail: Bool) {
        done += 1
        if didFail { failed += 1 }
        let text = "Generating \(done)/\(total)" + (failed > 0 ? " (\(failed) failed)" : "")
        if console.isInteractive {
            console.raw("\r\u{1B}[2K" + text)
        } else {
            let decile = done * 10 / max(total, 1)
            if decile != lastDecile || done == total {
                lastDecile = decile
                console.line(text)
            }
        }
    }

    func clearLine() { if console.isInteractive { console.raw("\r\u{1B}[2K") } }

    func finish() { if console.isInteractive && done > 0 { console.raw("\n") } }
}
