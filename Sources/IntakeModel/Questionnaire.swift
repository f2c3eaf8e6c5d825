import Foundation

/// The screening questionnaire: an HL7 FHIR R4 `Questionnaire`, read from data.
///
/// No question text lives in code: the kiosk, the rules' completeness check and
/// the summary all walk this structure, so a question added to the JSON file
/// appears everywhere without a code change.
public struct Questionnaire: Sendable {
    /// The canonical URL a response's `questionnaire` field must name.
    public let url: String
    public let version: String
    /// The CodeSystem every option code belongs to (the `system` of the options), if they name one.
    public let codeSystem: String?
    /// The profiles the file declares in `meta.profile` (the SDC questionnaire profile).
    public internal(set) var profiles: [String] = []
    public let title: LocalizedText
    /// Top-level items (the groups), in order.
    public let items: [Item]
    /// Every item in document order, groups included.
    public let allItems: [Item]
    /// Questions (items that take answers), in document order.
    public let questions: [Item]
    private let index: [String: Int]
    /// What enablement needs of each item, in document order, without copying whole items.
    let plan: [Step]

    struct Step: Sendable {
        let linkId: String
        let parent: Int?
        let enableWhen: [EnableWhen]
        let enableBehaviorAny: Bool
        let required: Bool
        let mustBeTrue: Bool
        let takesAnswers: Bool
    }

    public init(url: String, version: String, title: LocalizedText, items: [Item]) {
        self.url = url
        self.version = version
        self.title = title
        self.items = items
        var all: [Item] = []
        var plan: [Step] = []
        func walk(_ items: [Item], parent: Int?) {
            for item in items {
                let position = all.count
                all.append(item)
                plan.append(Step(linkId: item.linkId, parent: parent, enableWhen: item.enableWhen,
                                 enableBehaviorAny: item.enableBehaviorAny, required: item.required,
                                 mustBeTrue: item.mustBeTrue, takesAnswers: item.type.takesAnswers))
                walk(item.items, parent: position)
            }
        }
        walk(items, parent: nil)
        self.allItems = all
        self.plan = plan
        self.codeSystem = all.lazy.flatMap(\.options).compactMap(\.system).first
        self.questions = all.filter(\.type.takesAnswers)
        var index: [String: Int] = [:]
        for (position, item) in all.enumerated() where index[item.linkId] == nil { index[item.linkId] = position }
        self.index = index
    }

    /// The item with this `linkId`.
    public func item(_ linkId: String) -> Item? { index[linkId].map { allItems[$0] } }

    /// Position of an item in document order, for "earlier question" checks.
    public func position(of linkId: String) -> Int? { index[linkId] }


    /// Whether a response's `questionnaire` canonical (optionally `|version`) names this questionnaire.
    public func accepts(canonical: String) -> Bool {
        canonicalProblem(canonical) == nil
    }

    /// Major versions of this questionnaire whose responses this program reads: every one up to its own,
    /// since versions only add questions and options (a v1 response reads with the v2 questions unanswered).
    public var readableMajorVersions: ClosedRange<Int> { 1...max(1, Self.major(version) ?? 1) }

    /// Why a response's `questionnaire` canonical is not one this program can read, or nil when it is.
    public func canonicalProblem(_ canonical: String) -> String? {
        let parts = canonical.split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false)
        let base = String(parts[0])
        guard base == url else {
            return "names the questionnaire \"\(base)\", but this program screens with \(url)"
        }
        guard parts.count == 2 else { return nil }
        let named = String(parts[1])
        guard let major = Self.major(named), readableMajorVersions.contains(major) else {
            return "names version \"\(named)\" of \(url); this program holds versions \(readableMajorVersions.map { "\($0).x" }.joined(separator: " and "))"
        }
        return nil
    }

    /// The major number of a semantic version (`2` for `2.0.0`), or nil when it is not one.
    static func major(_ version: String) -> Int? {
        let pieces = version.split(separator: ".", omittingEmptySubsequences: false)
        guard !pieces.isEmpty, pieces.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let major = Int(pieces[0]) else { return nil }
        return major
    }
}

extension Questionnaire {
    /// One `item` of the questionnaire: a group, a question or a display line.
    public struct Item: Sendable, Identifiable {
        public var id: String { linkId }
        public let linkId: String
        public let type: ItemType
        public let text: LocalizedText
        /// Help shown under the question (a `display` child with itemControl `help`).
        public let help: LocalizedText?
        public let required: Bool
        public let repeats: Bool
        public let options: [AnswerOption]
        public let enableWhen: [EnableWhen]
        /// `all` (the default) or `any`.
        public let enableBehaviorAny: Bool
        public let maxLength: Int?
        public let minLength: Int?
        /// A regular expression typed text must match (FHIR `regex` extension).
        public let pattern: String?
        /// Whether a date may be given as `YYYY` or `YYYY-MM`.
        public let allowsPartialDate: Bool
        /// For a date of birth: the allowed age range in years at the visit.
        public let ageRange: ClosedRange<Int>?
        /// A yes/no that counts as answered only when yes (the attestation).
        public let mustBeTrue: Bool
        /// The SDC `questionnaire-itemControl` code (radio-button, check-box, help), if any.
        public let itemControl: String?
        /// The SDC `entryFormat` hint for typed answers (dates), if any.
        public let entryFormat: String?
        /// Extensions of this program's own (version 1's) that standard tools do not understand.
        public let customExtensions: [String]
        /// Child items: a group's questions (help lines are lifted into ``help``).
        public let items: [Item]

        public init(
            linkId: String, type: ItemType, text: LocalizedText, help: LocalizedText? = nil,
            required: Bool = false, repeats: Bool = false, options: [AnswerOption] = [],
            enableWhen: [EnableWhen] = [], enableBehaviorAny: Bool = false,
            maxLength: Int? = nil, minLength: Int? = nil, pattern: String? = nil,
            allowsPartialDate: Bool = false, ageRange: ClosedRange<Int>? = nil, mustBeTrue: Bool = false,
            itemControl: String? = nil, entryFormat: String? = nil, customExtensions: [String] = [],
            items: [Item] = []
        ) {
            self.itemControl = itemControl; self.entryFormat = entryFormat; self.customExtensions = customExtensions
            self.linkId = linkId; self.type = type; self.text = text; self.help = help
            self.required = required; self.repeats = repeats; self.options = options
            self.enableWhen = enableWhen; self.enableBehaviorAny = enableBehaviorAny
            self.maxLength = maxLength; self.minLength = minLength; self.pattern = pattern
            self.allowsPartialDate = allowsPartialDate; self.ageRange = ageRange; self.mustBeTrue = mustBeTrue
            self.items = items
        }

        /// The option with this code.
        public func option(_ code: String) -> AnswerOption? { options.first { $0.code == code } }
    }

    /// The FHIR item types this questionnaire uses.
    public enum ItemType: String, Sendable, CaseIterable {
        case group, display, boolean, choice, string, text, date, integer, decimal

        /// Whether items of this type are questions with answers.
        public var takesAnswers: Bool { self != .group && self != .display }
    }

    /// One choice of a `choice` question.
    public struct AnswerOption: Sendable, Hashable {
        public let code: String
        /// The CodeSystem the code belongs to.
        public let system: String?
        public let display: LocalizedText
        /// Choosing it clears every other choice (FHIR `questionnaire-optionExclusive`), as "none" does.
        public let exclusive: Bool

        public init(code: String, system: String? = nil, display: LocalizedText, exclusive: Bool = false) {
            self.code = code; self.system = system; self.display = display; self.exclusive = exclusive
        }
    }

    /// A condition on an earlier answer that decides whether a question is asked.
    public struct EnableWhen: Sendable, Hashable {
        public enum Operator: String, Sendable { case equal = "=", notEqual = "!=", exists }
        public let question: String
        public let op: Operator
        public let answer: AnswerValue

        public init(question: String, op: Operator, answer: AnswerValue) {
            self.question = question; self.op = op; self.answer = answer
        }
    }
}

extension Questionnaire {
    /// The questionnaire that ships with the program.
    ///
    /// Read and validated once; a broken bundled file is a build defect, so the
    /// error names it rather than letting the kiosk start on half a questionnaire.
    public static func bundled() throws(QuestionnaireError) -> Questionnaire {
        guard let url = Bundle.module.url(forResource: "questionnaire", withExtension: "json") else {
            throw QuestionnaireError(file: "questionnaire.json", problems: [.init(path: "", message: "the bundled questionnaire is missing from the program's resources; reinstall intake")])
        }
        return try load(contentsOf: url)
    }

    /// The raw bundled FHIR JSON, for `intake questionnaire`.
    public static func bundledJSON() -> Data? {
        Bundle.module.url(forResource: "questionnaire", withExtension: "json").flatMap { try? Data(contentsOf: $0) }
    }

    /// The bundled FHIR `CodeSystem` of every option code, for `intake questionnaire` and export.
    public static func bundledCodeSystemJSON() -> Data? {
        Bundle.module.url(forResource: "codesystem", withExtension: "json").flatMap { try? Data(contentsOf: $0) }
    }

    /// Reads and checks a questionnaire file.
    public static func load(contentsOf url: URL) throws(QuestionnaireError) -> Questionnaire {
        let data: Data
        // The bundled one is about 120 KB; 4 MB leaves room for a large one and none for a runaway file.
        do { data = try InputFile.read(url.path, expected: "a FHIR Questionnaire JSON file", maximumBytes: 4 << 20) } catch {
            throw QuestionnaireError(file: url.path, problems: [.init(path: "", message: error.reason)])
        }
        return try parse(data, file: url.path)
    }

    /// Parses FHIR JSON and checks it (``QuestionnaireCheck``); every problem found is reported at once.
    public static func parse(_ data: Data, file: String) throws(QuestionnaireError) -> Questionnaire {
        let root: JSONValue
        do { root = try JSONValue.parse(data) } catch {
            throw QuestionnaireError(file: file, problems: [.init(path: "", message: "malformed JSON at \(error)")])
        }
        var reader = QuestionnaireReader()
        let questionnaire = reader.read(root)
        var problems = reader.problems
        if let questionnaire { problems += QuestionnaireCheck.problems(in: questionnaire) }
        guard let questionnaire, problems.isEmpty else {
            throw QuestionnaireError(file: file, problems: problems)
        }
        return questionnaire
    }
}

/// What is wrong with a questionnaire file, each problem with its JSON path.
public struct QuestionnaireError: Error, CustomStringConvertible, Sendable {
    public struct Problem: Sendable, Hashable, CustomStringConvertible {
        public let path: String
        public let message: String
        public init(path: String, message: String) { self.path = path; self.message = message }
        public var description: String { path.isEmpty ? message : "\(path): \(message)" }
    }
    public let file: String
    public let problems: [Problem]

    public init(file: String, problems: [Problem]) { self.file = file; self.problems = problems }

    public var description: String {
        problems.map { "\(file): \($0)" }.joined(separator: "\n")
    }
}

/// Turns FHIR JSON into a ``Questionnaire``, collecting problems with their paths.
struct QuestionnaireReader {
    static let translationURL = "http://hl7.org/fhir/StructureDefinition/translation"
    static let exclusiveURL = "http://hl7.org/fhir/StructureDefinition/questionnaire-optionExclusive"
    static let itemControlURL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
    static let minLengthURL = "http://hl7.org/fhir/StructureDefinition/minLength"
    static let regexURL = "http://hl7.org/fhir/StructureDefinition/regex"
    static let entryFormatURL = "http://hl7.org/fhir/StructureDefinition/entryFormat"
    static let constraintURL = "http://hl7.org/fhir/StructureDefinition/questionnaire-constraint"
    /// Version 1's own extensions, still read in older questionnaire files; version 2 uses the standard
    /// SDC ones above (entryFormat, questionnaire-constraint, itemControl).
    static let partialDateURL = "https://intake.example/fhir/StructureDefinition/partial-date"
    static let ageRangeURL = "https://intake.example/fhir/StructureDefinition/age-range"
    static let mustBeTrueURL = "https://intake.example/fhir/StructureDefinition/must-be-true"

    var problems: [QuestionnaireError.Problem] = []

    mutating func read(_ root: JSONValue) -> Questionnaire? {
        guard root.object != nil else {
            problem("", "the file must hold one JSON object, a FHIR Questionnaire"); return nil
        }
        guard root["resourceType"]?.string == "Questionnaire" else {
            problem("resourceType", "must be \"Questionnaire\", found \(root["resourceType"]?.brief ?? "nothing")"); return nil
        }
        let url = root["url"]?.string ?? ""
        if url.isEmpty { problem("url", "a canonical URL is required so responses can name this questionnaire") }
        let version = root["version"]?.string ?? ""
        if version.isEmpty { problem("version", "a version is required: it is stored with every intake") }
        let title = localized(root, key: "title")
        let items = readItems(root["item"], path: "item").map(\.item)
        var questionnaire = Questionnaire(url: url, version: version, title: title, items: items)
        questionnaire.profiles = (root["meta"]?["profile"]?.array ?? []).compactMap(\.string)
        return questionnaire
    }

    /// Reads an `item` array; each entry says whether it is a help line (itemControl `help`).
    private mutating func readItems(_ value: JSONValue?, path: String) -> [(item: Questionnaire.Item, isHelp: Bool)] {
        guard let value else { return [] }
        guard let array = value.array else { problem(path, "must be an array of items"); return [] }
        var items: [(item: Questionnaire.Item, isHelp: Bool)] = []
        for (i, element) in array.enumerated() {
            let itemPath = "\(path)[\(i)]"
            guard element.object != nil else { problem(itemPath, "must be an object"); continue }
            if let item = readItem(element, path: itemPath) {
                let extensions = element["extension"]?.array ?? []
                items.append((item, item.type == .display && extensions.contains(where: Self.isHelpControl)))
            }
        }
        return items
    }

    private mutating func readItem(_ object: JSONValue, path: String) -> Questionnaire.Item? {
        guard let linkId = object["linkId"]?.string, !linkId.isEmpty else {
            problem(path, "every item needs a linkId"); return nil
        }
        let at = "\(path) (\(linkId))"
        guard let typeName = object["type"]?.string, let type = Questionnaire.ItemType(rawValue: typeName) else {
            problem(at, "unknown or missing type \(object["type"]?.brief ?? "nothing"); use one of \(Questionnaire.ItemType.allCases.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        let text = localized(object, key: "text")
        let extensions = object["extension"]?.array ?? []

        var children: [Questionnaire.Item] = []
        var help: LocalizedText? = nil
        for (child, isHelp) in readItems(object["item"], path: "\(path).item") {
            if isHelp { help = child.text } else { children.append(child) }
        }
        var options: [Questionnaire.AnswerOption] = []
        for (i, option) in (object["answerOption"]?.array ?? []).enumerated() {
            guard let coding = option["valueCoding"], let code = coding["code"]?.string, !code.isEmpty else {
                problem("\(at).answerOption[\(i)]", "each option needs valueCoding with a code"); continue
            }
            let exclusive = (option["extension"]?.array ?? []).contains {
                $0["url"]?.string == Self.exclusiveURL && $0["valueBoolean"]?.bool == true
            }
            options.append(.init(code: code, system: coding["system"]?.string, display: localized(coding, key: "display"),
                                 exclusive: exclusive))
        }
        var conditions: [Questionnaire.EnableWhen] = []
        for (i, condition) in (object["enableWhen"]?.array ?? []).enumerated() {
            let conditionPath = "\(at).enableWhen[\(i)]"
            guard let question = condition["question"]?.string, let opName = condition["operator"]?.string else {
                problem(conditionPath, "needs question and operator"); continue
            }
            guard let op = Questionnaire.EnableWhen.Operator(rawValue: opName) else {
                problem(conditionPath, "operator \"\(opName)\" is not supported; use =, != or exists"); continue
            }
            guard let answer = Self.enableAnswer(condition) else {
                problem(conditionPath, "needs answerBoolean, answerCoding, answerString or answerDate"); continue
            }
            conditions.append(.init(question: question, op: op, answer: answer))
        }
        func ext(_ url: String) -> JSONValue? { extensions.first { $0["url"]?.string == url } }
        // SDC questionnaire-constraint keys this program understands: `full-date`, `age-LOW-HIGH`,
        // `must-be-true` (the FHIRPath beside each says the same to other tools).
        let constraintKeys: [String] = extensions.filter { $0["url"]?.string == Self.constraintURL }.compactMap { constraint in
            (constraint["extension"]?.array ?? []).first { $0["url"]?.string == "key" }?["valueId"]?.string
        }
        var ageRange: ClosedRange<Int>? = nil
        if let range = ext(Self.ageRangeURL)?["valueRange"],
           let low = range["low"]?["value"]?.int, let high = range["high"]?["value"]?.int, low <= high {
            ageRange = low...high
        }
        for key in constraintKeys where key.hasPrefix("age-") {
            let bounds = key.dropFirst(4).split(separator: "-").compactMap { Int($0) }
            if bounds.count == 2, bounds[0] <= bounds[1] { ageRange = bounds[0]...bounds[1] }
        }
        let entryFormat = ext(Self.entryFormatURL)?["valueString"]?.string
        let partialDate = ext(Self.partialDateURL)?["valueBoolean"]?.bool
            ?? (type == .date && entryFormat != nil && !constraintKeys.contains("full-date"))
        let mustBeTrue = ext(Self.mustBeTrueURL)?["valueBoolean"]?.bool ?? constraintKeys.contains("must-be-true")
        let itemControl = extensions.first { $0["url"]?.string == Self.itemControlURL }?["valueCodeableConcept"]?["coding"]?
            .array?.first?["code"]?.string
        return Questionnaire.Item(
            linkId: linkId, type: type, text: text, help: help,
            required: object["required"]?.bool ?? false,
            repeats: object["repeats"]?.bool ?? false,
            options: options, enableWhen: conditions,
            enableBehaviorAny: object["enableBehavior"]?.string == "any",
            maxLength: object["maxLength"]?.int,
            minLength: ext(Self.minLengthURL)?["valueInteger"]?.int,
            pattern: ext(Self.regexURL)?["valueString"]?.string,
            allowsPartialDate: partialDate,
            ageRange: ageRange,
            mustBeTrue: mustBeTrue,
            itemControl: itemControl, entryFormat: entryFormat,
            customExtensions: extensions.compactMap { $0["url"]?.string }.filter { $0.hasPrefix("https://intake.example/") },
            items: children
        )
    }

    static func isHelpControl(_ ext: JSONValue) -> Bool {
        guard ext["url"]?.string == itemControlURL,
              let codings = ext["valueCodeableConcept"]?["coding"]?.array else { return false }
        return codings.contains { $0["code"]?.string == "help" }
    }

    private static func enableAnswer(_ condition: JSONValue) -> AnswerValue? {
        if let b = condition["answerBoolean"]?.bool { return .boolean(b) }
        if let code = condition["answerCoding"]?["code"]?.string { return .coding(code) }
        if let s = condition["answerString"]?.string { return .string(s) }
        if let d = condition["answerDate"]?.string, let date = PartialDate(d) { return .date(date) }
        return nil
    }

    /// Reads `key` and its `_key` translation extensions.
    private func localized(_ object: JSONValue, key: String) -> LocalizedText {
        var values: [Language: String] = [:]
        if let english = object[key]?.string { values[.en] = english }
        for ext in object["_" + key]?["extension"]?.array ?? [] where ext["url"]?.string == Self.translationURL {
            let parts = ext["extension"]?.array ?? []
            let lang = parts.first { $0["url"]?.string == "lang" }?["valueCode"]?.string
            let content = parts.first { $0["url"]?.string == "content" }?["valueString"]?.string
            if let lang, let language = Language(rawValue: String(lang.prefix(2))), let content { values[language] = content }
        }
        return LocalizedText(values)
    }

    private mutating func problem(_ path: String, _ message: String) {
        problems.append(.init(path: path, message: message))
    }
}
