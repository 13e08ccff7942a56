extension PolicyReload {
    /// A reload that could not read its file: nothing changes.
    public static func unreadable(file: String, runningVersion: String) -> PolicyReload {
        PolicyReload(applied: false, version: runningVersion, previousVersion: runningVersion,
                     diagnostics: PolicyDiagnostics([PolicyDiagnostic(
                         severity: .error, file: file, line: 1, column: 1, message: "cannot read the policy file")]))
    }
}
