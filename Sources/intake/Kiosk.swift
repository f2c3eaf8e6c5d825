import ArgumentParser

struct Kiosk: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the reception kiosk (coming next).")
    func run() throws { print("The kiosk is not built yet.") }
}

struct PIN: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pin", abstract: "Set the staff PIN (coming next).")
    func run() throws {}
}
