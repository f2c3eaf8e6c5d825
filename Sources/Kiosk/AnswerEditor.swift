import Foundation
import IntakeModel
import TerminalUI

/// The widget a patient answers one question with, and the rules for what it accepts.
///
/// Built from the questionnaire item, so a question added to the FHIR file gets
/// the right editor without code: booleans and choices become a ChoiceList,
/// strings and dates a TextField.
struct AnswerEditor: Equatable {
    enum Control: Equatable {
        case choice(ChoiceList)
        case text(TextField)
    }

    let item: Questionnaire.Item
    var control: Control

    static func == (a: AnswerEditor, b: AnswerEditor) -> Bool { a.item.linkId == b.item.linkId && a.control == b.control }

    /// An editor showing `current` (the saved answer, if any) in `language`.
    init(item: Questionnaire.Item, current: [AnswerValue], language: Language, today: Day) {
        self.item = item
        switch item.type {
        case .boolean:
            let value: Bool? = if case .boolean(let b)? = current.first { b } else { nil }
            control = .choice(.yesNo(yes: Phrase.yes(language), no: Phrase.no(language), value: value))
        case .choice:
            let chosen = Set(current.compactMap { value -> Int? in
                guard case .coding(let code) = value else { return nil }
                return item.options.firstIndex { $0.code == code }
            })
            control = .choice(ChoiceList(
                options: item.options.map { ChoiceList.Option(PatientText.clean($0.display(language))) },
                mode: item.repeats ? .multiple : .single,
                exclusiveIndex: item.options.firstIndex(where: \.exclusive),
                selection: chosen))
        case .date:
            var text = ""
            if case .date(let d)? = current.first { text = d.description }
            // Empty until the patient types: a pre-filled date is one Enter away from being stored as
            // theirs. The expected form is a dim placeholder, which is never text.
            control = .text(TextField(text: text, maxLength: 10, allowedCharacters: AnswerEditor.dateCharacters,
                                      placeholder: item.allowsPartialDate ? "YYYY-MM-DD / YYYY-MM / YYYY" : "YYYY-MM-DD"))
        case .integer, .decimal:
            var text = ""
            switch current.first {
            case .integer(let n)?: text = String(n)
            case .decimal(let digits)?: text = digits
            default: break
            }
            let allowed = item.type == .decimal ? AnswerEditor.decimalCharacters : AnswerEditor.integerCharacters
            control = .text(TextField(text: text, maxLength: 16, allowedCharacters: allowed))
        case .string, .text, .group, .display:
            var text = ""
            if case .string(let s)? = current.first { text = s }
            control = .text(TextField(text: text, maxLength: item.maxLength))
        }
    }

    static let dateCharacters: Set<Character> = Set("0123456789-٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹")
    static let integerCharacters: Set<Character> = Set("0123456789-٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹")
    static let decimalCharacters: Set<Character> = integerCharacters.union([".", "٫"])

    /// Re-labels the editor in another language, keeping what the patient has chosen or typed.
    func relabelled(_ language: Language, today: Day) -> AnswerEditor {
        var fresh = AnswerEditor(item: item, current: [], language: language, today: today)
        switch (control, fresh.control) {
        case (.choice(let old), .choice(var new)):
            for index in old.selectedIndices { new.select(index) }
            new.moveCursor(to: old.cursor)
            fresh.control = .choice(new)
        case (.text, .text):
            fresh.control = control
        default: break
        }
        return fresh
    }

    var isChoice: Bool {
        if case .choice = control { return true }
        return false
    }

    mutating func handle(_ key: Key) -> WidgetOutcome {
        switch control {
        case .choice(var list):
            let outcome = list.handle(key)
            control = .choice(list)
            return outcome
        case .text(var field):
            // Pasted text loses escape sequences and controls to the cleaner every patient text goes through.
            let outcome = field.handle(key.cleaningPaste(PatientText.clean))
            control = .text(field)
            return outcome
        }
    }

    /// A problem with the answer, in words for the patient.
    struct Problem: Error, Equatable {
        let phrase: Phrase
        let argument: String?
        init(_ phrase: Phrase, _ argument: CustomStringConvertible? = nil) {
            self.phrase = phrase
            self.argument = argument?.description
        }
        func message(_ language: Language) -> String {
            argument.map { phrase(language, $0) } ?? phrase(language)
        }
    }

    /// The answer as given, checked; an empty array means "not answered".
    func answer(today: Day) -> Result<[AnswerValue], Problem> {
        switch control {
        case .choice(let list):
            if item.type == .boolean { return .success(list.yesNoValue.map { [.boolean($0)] } ?? []) }
            return .success(list.selectedIndices.map { .coding(item.options[$0].code) })
        case .text(let field):
            let text = field.text.trimmingCharacters(in: .whitespaces)
            if text.isEmpty { return .success([]) }
            switch item.type {
            case .date: return date(text, today: today)
            // Numbers keep their FHIR type: stored as valueInteger / valueDecimal, read back as numbers.
            case .integer: return AnswerValue.integer(typed: text).map { .success([$0]) } ?? .failure(Problem(.kioskNumberInvalid))
            case .decimal: return AnswerValue.decimal(typed: text).map { .success([$0]) } ?? .failure(Problem(.kioskNumberInvalid))
            default: return string(text)
            }
        }
    }

    private func date(_ text: String, today: Day) -> Result<[AnswerValue], Problem> {
        switch item.checkDate(text, asOf: today) {
        case .success(let date): .success([.date(date)])
        case .failure(.invalid): .failure(Problem(.kioskDateInvalid))
        case .failure(.needsFullDate): .failure(Problem(.kioskDateNeedFull))
        case .failure(.future): .failure(Problem(.kioskDateFuture))
        case .failure(.age(let age, _)): .failure(Problem(.kioskDateAge, age))
        }
    }

    private func string(_ text: String) -> Result<[AnswerValue], Problem> {
        // Arabic-Indic digits are what many patients type for a phone number: where the answer has a
        // format to match (the phone), they become 0-9. Answers in the patient's own words stay as typed.
        let normalized = item.pattern == nil ? text : AnswerValue.western(text)
        let clean = PatientText.clean(normalized)
        // Nothing anyone can see (a lone accent, spaces) is no answer: every screen would show it blank.
        let visible = clean.unicodeScalars.contains { scalar in
            switch scalar.properties.generalCategory {
            case .nonspacingMark, .enclosingMark, .spacingMark, .format, .control, .spaceSeparator,
                 .lineSeparator, .paragraphSeparator, .surrogate, .unassigned: false
            default: !scalar.properties.isWhitespace
            }
        }
        if !visible { return .success([]) }
        if let max = item.maxLength, clean.count > max { return .failure(Problem(.kioskTextTooLong, max)) }
        if let min = item.minLength, clean.count < min { return .failure(Problem(.kioskTextTooShort, min)) }
        if let pattern = item.pattern, clean.range(of: pattern, options: .regularExpression) == nil {
            return .failure(Problem(.kioskTextPattern))
        }
        return .success([.string(clean)])
    }
}
