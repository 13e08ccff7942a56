import SQLKit
import StepUpCore

extension Migration {
    /// Budgets paid before a guess is checked (one row per spent unit), what a satisfied challenge proved, and
    /// sign-ins that wait for their step-up.
    static let v2 = Migration(version: 2, summary: "guess budgets and grant proofs") { _ in
        let time = SQLRaw("DOUBLE PRECISION")
        return [
            """
            CREATE TABLE budget_units (budget_key TEXT NOT NULL, spent_at \(time) NOT NULL,
                id TEXT NOT NULL PRIMARY KEY)
            """,
            "CREATE INDEX budget_units_key_time ON budget_units (budget_key, spent_at)",
            "CREATE INDEX budget_units_time ON budget_units (spent_at)",
            "ALTER TABLE challenges ADD COLUMN proof TEXT",
            "ALTER TABLE sessions ADD COLUMN pending_challenge TEXT",
        ]
    }
}
