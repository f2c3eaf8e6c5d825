// swift-tools-version: 6.0
import PackageDescription

/// intake: patient intake for microneedling and micro-Botox.
///
/// The pure core (`IntakeModel`, `IntakeRules`, `IntakeSummary`) knows nothing of
/// terminals or databases; `TerminalUI`, `IntakeStorage` and `Kiosk` sit at the edges.
let package = Package(
    name: "intake",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "intake", targets: ["intake"]),
        .executable(name: "intake-pdf", targets: ["intake-pdf"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // The record's words (procedures, verdicts, statuses, decisions), declared once for every module.
        .target(name: "IntakeVocabulary"),
        // The one text cleaner (escape sequences, controls and invisible characters out) and the one width table.
        .target(name: "TextCleaning"),
        // The one XDG rule and the one private mkdir -p, for every module that keeps files.
        .target(name: "Platform"),
        // The questionnaire (FHIR R4), responses, dates and patient-text hygiene.
        .target(
            name: "IntakeModel",
            dependencies: ["TextCleaning", "Platform"],
            resources: [
                .copy("Resources/questionnaire.json"), .copy("Resources/codesystem.json"), .copy("Resources/phrases.json"),
            ]
        ),
        // The rule table and the pure evaluator.
        .target(name: "IntakeRules", dependencies: ["IntakeModel", "IntakeVocabulary"]),
        // The printable summary (spec section 4) as plain text.
        .target(name: "IntakeSummary", dependencies: ["IntakeModel", "IntakeRules"]),

        // ncursesw, through a shim header (SwiftPM drops pkg-config's -D flags).
        .systemLibrary(
            name: "CNcursesw",
            pkgConfig: "ncursesw",
            providers: [.apt(["libncurses-dev"])]
        ),
        // Cell grid, widgets, key decoding, themes and terminal backends.
        // Themes/ (the source, at the top of the repository) is bundled through the symlink
        // Sources/TerminalUI/Themes, so an installed binary finds themes by name.
        .target(name: "TerminalUI", dependencies: ["CNcursesw", "Bidi", "TextCleaning"], resources: [.process("Themes")]),
        // SQLite through GRDB: drafts, answers saved as given, submitted intakes, staff secrets.
        .target(
            name: "IntakeStorage",
            dependencies: [
                "IntakeVocabulary",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                "Platform",
            ]
        ),
        // The reception kiosk: screens built from the questionnaire, flow, idle, autosave.
        .target(
            name: "Kiosk",
            dependencies: ["IntakeModel", "IntakeRules", "IntakeStorage", "TerminalUI", "Platform"]
        ),

        // GNU FriBidi, through a shim header (see shim.h for the include path).
        .systemLibrary(
            name: "CFriBidi",
            pkgConfig: "fribidi",
            providers: [.apt(["libfribidi-dev"])]
        ),
        // Logical-to-visual reordering and Arabic shaping for terminals that do neither.
        .target(name: "Bidi", dependencies: ["CFriBidi"]),
        // Pango and Cairo, through a shim header: HarfBuzz shaping and FriBidi reordering onto a PDF surface.
        .systemLibrary(
            name: "CPangoCairo",
            pkgConfig: "pangocairo",
            providers: [.apt(["libpango1.0-dev", "libcairo2-dev"])]
        ),
        // The summary typeset as a PDF (A4 or Letter), Arabic right to left in a Naskh font.
        .target(name: "SummaryPDF", dependencies: ["IntakeModel", "IntakeRules", "IntakeSummary", "CPangoCairo"]),
        // Sends the summary (the PDF, or plain text) to CUPS `lp`, or saves it to a private file when it cannot.
        .target(name: "Printing", dependencies: ["TextCleaning", "Platform"]),
        // The practitioner review station: sign-in, queue, detail, signed decisions, printing.
        .target(
            name: "ReviewStation",
            dependencies: ["IntakeModel", "IntakeRules", "IntakeSummary", "IntakeStorage", "TerminalUI", "Printing", "Bidi"]
        ),

        .executableTarget(
            name: "intake",
            dependencies: [
                "IntakeModel", "IntakeRules", "IntakeSummary", "IntakeStorage", "Kiosk", "TerminalUI", "Bidi", "Printing",
                "ReviewStation",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // Release builds link the Swift runtime and Foundation statically and at a fixed address: the
            // dynamic libraries' relocations and the pages they touch cost the kiosk 8 MiB of its 31 MiB.
            // (Debug builds, which the tests link against, stay dynamic.)
            linkerSettings: [.unsafeFlags(["-static-stdlib", "-Xclang-linker", "-no-pie", "-lCoreFoundation", "-l_FoundationICU", "-lFoundationInternationalization", "-lFoundationEssentials", "-l_FoundationCShims", "-l_FoundationCollections", "-lswiftSynchronization"], .when(configuration: .release))]
        ),
        // Typesets a summary as a PDF for `intake`, which runs it beside itself: only this program
        // loads Pango, Cairo and fontconfig, so the kiosk starts without them.
        .executableTarget(name: "intake-pdf", dependencies: ["IntakeSummary", "SummaryPDF"]),
        .executableTarget(
            name: "intake-bench",
            dependencies: ["IntakeModel", "IntakeRules", "IntakeStorage"]
        ),

        // What the test targets share: snapshot files, a seeded generator, temporary folders.
        .target(name: "TestSupport", path: "Tests/TestSupport"),

        .testTarget(name: "IntakeModelTests", dependencies: ["IntakeModel"],
                    exclude: ["JSONTestSuite", "Fixtures-questionnaire-1.0.0.json"]),
        .testTarget(
            name: "IntakeRulesTests",
            dependencies: ["IntakeModel", "IntakeRules"],
            resources: [.copy("Cases")]
        ),
        .testTarget(
            name: "IntakeSummaryTests",
            dependencies: ["IntakeModel", "IntakeRules", "IntakeSummary", "TestSupport"],
            exclude: ["__Snapshots__"]
        ),
        .testTarget(
            name: "CLITests",
            dependencies: ["intake", "intake-pdf", "TestSupport", "IntakeModel", "IntakeStorage", "Kiosk", .product(name: "GRDB", package: "GRDB.swift")],
            exclude: ["Golden"]
        ),
        .testTarget(name: "TerminalUITests", dependencies: ["TerminalUI", "TestSupport"]),
        .testTarget(name: "IntakeStorageTests", dependencies: ["IntakeStorage", "TestSupport"]),
        .testTarget(name: "BidiTests", dependencies: ["Bidi"]),
        .testTarget(name: "PrintingTests", dependencies: ["Printing"]),
        .testTarget(
            name: "SummaryPDFTests",
            dependencies: ["SummaryPDF", "intake-pdf", "IntakeSummary", "IntakeModel", "IntakeRules", "Printing", "ReviewStation"],
            exclude: ["Reference"]
        ),
        .testTarget(
            name: "KioskTests",
            dependencies: [
                "Kiosk", "IntakeModel", "IntakeRules", "IntakeStorage", "TerminalUI", "Bidi", "ReviewStation", "intake-pdf", "TestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            exclude: ["__Snapshots__"]
        ),
        .testTarget(
            name: "ReviewStationTests",
            dependencies: [
                "ReviewStation", "intake-pdf", "IntakeModel", "IntakeRules", "IntakeSummary", "IntakeStorage", "TerminalUI", "Printing", "TestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            exclude: ["__Snapshots__"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
