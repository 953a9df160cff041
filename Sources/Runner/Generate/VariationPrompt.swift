import Core
import Foundation
import Store

/// The request for one variation. `input_generation.llm.user_prompt_template` replaces the body; it may use
/// `{input}`, `{persona}`, `{strategy}` and `{metadata}`, as in FluxLoop.
enum VariationPrompt {
    static let inputHeading = "Original message:"
    static let strategyHeading = "Strategy:"

    static func build(input: String, baseMetadata: JSON, persona: Persona?, strategy: VariationStrategy,
                      strategyPrompts: JSON?, template: String?) -> String {
        let strategyText = strategyPrompts?[strategy.rawValue]?.stringValue ?? strategy.instruction
        let personaText = persona?.promptText ?? "An ordinary user of the product."
        if let template, !template.isEmpty {
            return template
                .replacingOccurrences(of: "{input}", with: input)
                .replacingOccurrences(of: "{persona}", with: personaText)
                .replacingOccurrences(of: "{strategy}", with: strategyText)
                .replacingOccurrences(of: "{metadata}", with: baseMetadata.text)
        }
        return """
            We are testing a conversational agent with simulated users. Rewrite the original message below \
            as the described user would type it, following the strategy. Reply with the new message only: \
            no quotes, no label, no explanation.

            \(inputHeading)
            \(input)

            \(strategyHeading)
            \(strategy.rawValue)
            \(strategyText)

            The user:
            \(personaText)
            """
    }
}
