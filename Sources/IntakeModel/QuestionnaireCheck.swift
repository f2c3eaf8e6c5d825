/// Checks a questionnaire for the mistakes that would break a kiosk or the rules.
///
/// A questionnaire is edited by hand; each problem names the item path and linkId
/// so the editor can find it.
public enum QuestionnaireCheck {
    /// Every problem found: duplicate linkIds or option codes, enableWhen pointing at
    /// a missing or later question or an unknown option, and missing translations.
    public static func problems(in questionnaire: Questionnaire) -> [QuestionnaireError.Problem] {
        var problems: [QuestionnaireError.Problem] = []
        func add(_ path: String, _ message: String) { problems.append(.init(path: path, message: message)) }

        for language in questionnaire.title.missingLanguages {
            add("title", "no \(language.name) title")
        }
        var seen: Set<String> = []
        for (position, item) in questionnaire.allItems.enumerated() {
            let at = "item \(item.linkId)"
            if !seen.insert(item.linkId).inserted {
                add(at, "linkId \"\(item.linkId)\" is used more than once; every linkId must be unique")
            }
            for language in item.text.missingLanguages {
                add(at, "no \(language.name) text")
            }
            if let help = item.help {
                for language in help.missingLanguages { add(at, "help has no \(language.name) text") }
            }
            if item.type == .choice && item.options.isEmpty {
                add(at, "a choice question needs at least one answerOption")
            }
            if item.type != .choice && !item.options.isEmpty {
                add(at, "answerOption is only allowed on choice questions, this one is \(item.type.rawValue)")
            }
            var codes: Set<String> = []
            for option in item.options {
                // Standard tools match codings by system and code: an option without our system never matches.
                if option.system == nil {
                    add("\(at) option \(option.code)", "no system: every option code needs the questionnaire's CodeSystem URL")
                } else if let system = questionnaire.codeSystem, option.system != system {
                    add("\(at) option \(option.code)", "system \"\(option.system!)\" differs from \"\(system)\"; all option codes belong to one CodeSystem")
                }
                if !codes.insert(option.code).inserted {
                    add("\(at) option \(option.code)", "option code \"\(option.code)\" appears more than once")
                }
                for language in option.display.missingLanguages {
                    add("\(at) option \(option.code)", "no \(language.name) label")
                }
            }
            for (i, condition) in item.enableWhen.enumerated() {
                let path = "\(at) enableWhen[\(i)]"
                guard let target = questionnaire.item(condition.question), target.type.takesAnswers else {
                    add(path, "refers to \"\(condition.question)\", which is not a question of this questionnaire"); continue
                }
                if let targetPosition = questionnaire.position(of: condition.question), targetPosition >= position {
                    add(path, "refers to \"\(condition.question)\", which comes after it; a question can only depend on an earlier one")
                }
                if case .coding(let code) = condition.answer, condition.op != .exists, target.option(code) == nil {
                    add(path, "\"\(code)\" is not an option of \"\(condition.question)\" (options: \(target.options.map(\.code).joined(separator: ", ")))")
                }
            }
        }
        return problems
    }
}

extension QuestionnaireCheck {
    static let sdcProfile = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire"

    /// The points other systems rely on (issue 11): the SDC profile declared, every choice's item control,
    /// every date's entry format, codings with a system, and none of this program's own extensions where
    /// a standard one exists. Checked by `intake questionnaire check`, not when the program loads a file.
    public static func standardsProblems(in questionnaire: Questionnaire) -> [QuestionnaireError.Problem] {
        var problems: [QuestionnaireError.Problem] = []
        func add(_ path: String, _ message: String) { problems.append(.init(path: path, message: message)) }
        if !questionnaire.profiles.contains(where: { $0.hasPrefix(sdcProfile) }) {
            add("meta.profile", "declare the SDC questionnaire profile \(sdcProfile)")
        }
        for item in questionnaire.allItems {
            let at = "item \(item.linkId)"
            if item.type == .choice {
                let expected = item.repeats ? "check-box" : "radio-button"
                if item.itemControl != expected {
                    add(at, "needs the questionnaire-itemControl extension with code \(expected), found \(item.itemControl ?? "none")")
                }
            }
            if item.type == .date && item.entryFormat == nil {
                add(at, "needs the entryFormat extension (for example YYYY-MM-DD) so other form fillers show the format")
            }
            for url in item.customExtensions {
                add(at, "uses this program's own extension \(url); use the standard SDC extension (entryFormat, questionnaire-constraint)")
            }
        }
        return problems
    }
}

extension Language {
    /// The language's English name, for messages to staff.
    public var name: String {
        switch self {
        case .en: "English"
        case .ar: "Arabic"
        }
    }
}
