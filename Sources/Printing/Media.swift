extension Printer {
    /// The media (paper) CUPS has for `printer`, or for the default destination when nil: the
    /// `media=` value `lpoptions [-p printer]` lists ("iso_a4_210x297mm", "Letter"), or nil when lpoptions is
    /// missing, there is no such destination, it names no media, or it does not answer within 2 s.
    public static func destinationMedia(printer: String?, environment: [String: String]) -> String? {
        guard let lpoptions = findInPath("lpoptions", path: environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin") else {
            return nil
        }
        // -p names the destination to list; never -d, which would make it the user's default printer.
        var arguments = ["lpoptions"]
        if let printer, !printer.isEmpty { arguments += ["-p", printer] }
        guard let result = try? runSubprocess(path: lpoptions, arguments: arguments,
                                              environment: environment.map { "\($0.key)=\($0.value)" }.sorted(),
                                              input: [], timeout: 2),
              result.termination == .exited(0) else { return nil }
        return media(inOptions: String(decoding: result.standardOutput, as: UTF8.self))
    }

    /// The value of `media=` in lpoptions' output (space-separated `name=value` pairs, values
    /// possibly quoted); the first of a comma-separated list.
    static func media(inOptions output: String) -> String? {
        for pair in output.split(whereSeparator: \.isWhitespace) where pair.hasPrefix("media=") {
            let value = pair.dropFirst("media=".count).filter { $0 != "'" && $0 != "\"" }
            let first = value.split(separator: ",").first.map(String.init) ?? ""
            return first.isEmpty ? nil : first
        }
        return nil
    }
}
