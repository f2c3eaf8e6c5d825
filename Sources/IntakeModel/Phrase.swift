import Foundation

/// A sentence or label the program shows, other than questionnaire text.
///
/// The words live in `Resources/phrases.json`, English and Arabic side by side;
/// this enum only names them, so a typo in a key is a compile error and a
/// missing translation is caught by a test over `allCases`.
public enum Phrase: String, CaseIterable, Sendable {
    // Summary and assessment text
    case clinicHeader = "summary.clinic"
    case summaryTitle = "summary.title"
    case patient = "summary.patient"
    case dateOfBirth = "summary.dob"
    case age = "summary.age"
    case visitDate = "summary.visit"
    case intakeID = "summary.intake"
    case verdicts = "summary.verdicts"
    case until = "summary.until"
    case noFindings = "summary.noFindings"
    case matchesGoals = "summary.matchesGoals"
    case answers = "summary.answers"
    case triggeredLegend = "summary.triggeredLegend"
    case notAnswered = "summary.notAnswered"
    case yes = "answer.yes"
    case no = "answer.no"
    case decision = "summary.decision"
    case proceed = "summary.proceed"
    case deferChoice = "summary.defer"
    case decline = "summary.decline"
    case note = "summary.note"
    case practitionerName = "summary.practitionerName"
    case signature = "summary.signature"
    case date = "summary.date"
    case versions = "summary.versions"
    case disclaimer = "summary.disclaimer"
    case notAsked = "summary.notAsked"
    case source = "summary.source"
    case signedElectronically = "summary.signedElectronically"
    case amended = "summary.amended"
    case notAnsweredList = "summary.notAnsweredList"
    case incomplete = "summary.incomplete"
    case treatmentAreas = "summary.areas"
    case proceduresChosen = "summary.procedures"
    case offLabel = "summary.offLabel"
    case offLabelTick = "summary.offLabelTick"
    case photosAgreed = "summary.photosAgreed"
    case photosNotAgreed = "summary.photosNotAgreed"
    case patientWords = "summary.patientWords"
    case page = "summary.page"
    /// Patient-typed text followed by the patient's-words mark: "{0} ({1})".
    case patientQuoted = "summary.quoted"
    case recordedUnder = "summary.recordedUnder"
    case rulesUpdated = "summary.rulesUpdated"
    case changedAfterSigning = "summary.changedAfterSigning"
    case changedOutsideIntake = "summary.changedOutsideIntake"
    case signedOnEarlierAssessment = "summary.signedOnEarlierAssessment"
    // The PDF document's own words
    case documentIncompleteBanner = "document.incompleteBanner"
    case documentIncompleteWord = "document.incompleteWord"
    case documentFindings = "document.findings"
    case documentSources = "document.sources"
    case documentSignedBy = "document.signedBy"
    case documentSignedAt = "document.signedAt"
    case documentContentHash = "document.contentHash"
    case documentUnsigned = "document.unsigned"
    case reassessed = "summary.reassessed"
    case olderQuestionnaire = "summary.olderQuestionnaire"

    // Kiosk
    case kioskWelcomeTitle = "kiosk.welcome.title"
    case kioskWelcomeBody = "kiosk.welcome.body"
    case kioskWelcomeChoose = "kiosk.welcome.choose"
    case kioskWelcomeNoPIN = "kiosk.welcome.noPIN"
    case kioskStep = "kiosk.step"
    case kioskHintNext = "kiosk.hint.next"
    case kioskHintBack = "kiosk.hint.back"
    case kioskHintChoose = "kiosk.hint.choose"
    case kioskHintTick = "kiosk.hint.tick"
    case kioskHintLanguage = "kiosk.hint.language"
    case kioskHintBegin = "kiosk.hint.begin"
    case kioskHintEdit = "kiosk.hint.edit"
    case kioskHintSubmit = "kiosk.hint.submit"
    case kioskHintContinue = "kiosk.hint.continue"
    case kioskHintRead = "kiosk.hint.read"
    case kioskNoticeTitle = "kiosk.notice.title"
    case kioskRequired = "kiosk.required"
    case kioskMustConfirm = "kiosk.mustConfirm"
    case kioskDateFormat = "kiosk.date.format"
    case kioskDatePartial = "kiosk.date.partial"
    case kioskDateInvalid = "kiosk.date.invalid"
    case kioskDateFuture = "kiosk.date.future"
    case kioskDateNeedFull = "kiosk.date.needFull"
    case kioskDateAge = "kiosk.date.age"
    case kioskTextTooLong = "kiosk.text.tooLong"
    case kioskTextTooShort = "kiosk.text.tooShort"
    case kioskTextPattern = "kiosk.text.pattern"
    case kioskNumberInvalid = "kiosk.number.invalid"
    case kioskReviewTitle = "kiosk.review.title"
    case kioskReviewBody = "kiosk.review.body"
    case kioskReviewContinue = "kiosk.review.continue"
    case kioskThanksTitle = "kiosk.thanks.title"
    case kioskThanksBody = "kiosk.thanks.body"
    case kioskThanksNext = "kiosk.thanks.next"
    case kioskIdleTitle = "kiosk.idle.title"
    case kioskIdleBody = "kiosk.idle.body"
    case kioskIdleButton = "kiosk.idle.button"
    case kioskTooSmall = "kiosk.tooSmall"
    case kioskStaffTitle = "kiosk.staff.title"
    case kioskStaffPrompt = "kiosk.staff.prompt"
    case kioskStaffNoPIN = "kiosk.staff.noPIN"
    case kioskStaffWait = "kiosk.staff.wait"
    case kioskStaffLocked = "kiosk.staff.locked"
    case kioskNoExit = "kiosk.noExit"
    case kioskSaveFailed = "kiosk.saveFailed"
    case kioskResumed = "kiosk.resumed"
    case kioskChooseMany = "kiosk.choose.many"
    case kioskPlainIntro = "kiosk.plain.intro"
    case kioskPlainMany = "kiosk.plain.many"
    case kioskPlainChoose = "kiosk.plain.choose"
    case kioskPlainOptional = "kiosk.plain.optional"
    case kioskPlainBadNumber = "kiosk.plain.badNumber"
    case kioskPlainContradiction = "kiosk.plain.contradiction"
    case kioskPlainReview = "kiosk.plain.review"
    case kioskPlainReviewPrompt = "kiosk.plain.reviewPrompt"

    // Review station
    case stationTitle = "station.title"
    case stationSignInTitle = "station.signIn.title"
    case stationName = "station.name"
    case stationPassword = "station.password"
    case stationWrongPassword = "station.signIn.wrong"
    case stationLocked = "station.signIn.locked"
    case stationDisabled = "station.signIn.disabled"
    case stationStorageFailed = "station.storageFailed"
    case stationWait = "station.signIn.wait"
    case stationSignedOutIdle = "station.signedOutIdle"
    case stationTabToday = "station.tab.today"
    case stationTabUnsigned = "station.tab.unsigned"
    case stationTabAll = "station.tab.all"
    case stationSearch = "station.search"
    case stationSearchHelp = "station.search.help"
    case stationColTime = "station.col.time"
    case stationColCode = "station.col.code"
    case stationColAge = "station.col.age"
    case stationColProcedures = "station.col.procedures"
    case stationColStatus = "station.col.status"
    case stationStatusNew = "station.status.new"
    case stationStatusInReview = "station.status.inReview"
    case stationStatusSigned = "station.status.signed"
    case stationQueueEmpty = "station.queue.empty"
    case stationPage = "station.page"
    case stationSignedInAs = "station.signedInAs"
    case stationProcMicroneedling = "station.proc.microneedling"
    case stationProcMicroBotox = "station.proc.microBotox"
    case stationHintMove = "station.hint.move"
    case stationHintOpen = "station.hint.open"
    case stationHintFilter = "station.hint.filter"
    case stationHintSearch = "station.hint.search"
    case stationHintPage = "station.hint.page"
    case stationHintSignOut = "station.hint.signOut"
    case stationHintDecide = "station.hint.decide"
    case stationHintPrint = "station.hint.print"
    case stationHintBack = "station.hint.back"
    case stationHintScroll = "station.hint.scroll"
    case stationHintNextField = "station.hint.nextField"
    case stationHintSignIn = "station.hint.signIn"
    case stationHintSign = "station.hint.sign"
    case stationHintQuit = "station.hint.quit"
    case stationHintReassess = "station.hint.reassess"
    case stationReassessHint = "station.reassessHint"
    case stationDetailUnreadable = "station.detail.unreadable"
    case stationDecisionTitle = "station.decision.title"
    case stationRulesSay = "station.decision.rulesSay"
    case stationReasonFor = "station.decision.reasonFor"
    case stationReasonRequired = "station.decision.reasonRequired"
    case stationSignPassword = "station.decision.password"
    case stationSignatureRefused = "station.decision.refused"
    case stationSignFailed = "station.decision.failed"
    case stationSigned = "station.decision.signed"
    case stationCurrentDecisions = "station.decision.current"
    case stationAmendNotice = "station.decision.amend"
    case stationPrintOutcome = "station.print.outcome"
    case stationPrinting = "station.print.printing"
    case stationSignedOutAccount = "station.signedOutAccount"

    /// The phrase in `language`.
    public func callAsFunction(_ language: Language) -> String { text(language) }

    public var text: LocalizedText { Phrase.catalog[self] ?? LocalizedText([.en: rawValue]) }

    /// The phrase with `{0}`, `{1}`… replaced by `arguments`.
    ///
    /// Scanned by hand: Foundation's replacingOccurrences goes through ICU on Linux,
    /// megabytes of memory for a kiosk that only fills in numbers.
    public func callAsFunction(_ language: Language, _ arguments: CustomStringConvertible...) -> String {
        Phrase.fill(text(language), arguments.map(\.description))
    }

    static func fill(_ template: String, _ arguments: [String]) -> String {
        var result = ""
        var rest = template[...]
        while let open = rest.firstIndex(of: "{") {
            result += rest[..<open]
            let afterOpen = rest.index(after: open)
            if let close = rest[afterOpen...].firstIndex(of: "}"), let n = Int(rest[afterOpen..<close]), arguments.indices.contains(n) {
                result += arguments[n]
                rest = rest[rest.index(after: close)...]
            } else {
                result += "{"
                rest = rest[afterOpen...]
            }
        }
        return result + rest
    }

    /// Every phrase, read once from the bundled catalog.
    static let catalog: [Phrase: LocalizedText] = {
        guard let url = Bundle.module.url(forResource: "phrases", withExtension: "json"),
              let data = try? Data(contentsOf: url),
              let raw = try? JSONDecoder().decode([String: [String: String]].self, from: data) else { return [:] }
        var catalog: [Phrase: LocalizedText] = [:]
        for (key, texts) in raw {
            guard let phrase = Phrase(rawValue: key) else { continue }
            catalog[phrase] = LocalizedText(Dictionary(uniqueKeysWithValues: texts.compactMap { k, v in Language(rawValue: k).map { ($0, v) } }))
        }
        return catalog
    }()

    /// Keys in the catalog file that no phrase names: stale entries to clean up.
    public static var unusedCatalogKeys: [String] {
        guard let url = Bundle.module.url(forResource: "phrases", withExtension: "json"),
              let data = try? Data(contentsOf: url),
              let raw = try? JSONDecoder().decode([String: [String: String]].self, from: data) else { return [] }
        return raw.keys.filter { Phrase(rawValue: $0) == nil }.sorted()
    }
}
