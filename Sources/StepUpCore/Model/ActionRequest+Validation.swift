extension ActionRequest {
    /// Names present both in `context.transaction` and `context.attributes`, sorted.
    ///
    /// ``RequestContext/value(named:)`` would read the transaction's, but a caller sending both is confused or
    /// probing for a rule and a binding that disagree, so ``validate()`` refuses such requests.
    public func shadowedNames() -> [String] {
        context.transaction.keys.filter { context.attributes[$0] != nil }.sorted()
    }

    /// Checks what the policy cannot: a valid action name and no shadowed field.
    ///
    /// ```swift
    /// do { try request.validate() } catch { return .badRequest(error.reason) }
    /// ```
    public func validate() throws(ActionRequestError) {
        guard ActionName.isValid(action) else { throw .invalidAction }
        let shadowed = shadowedNames()
        guard shadowed.isEmpty else { throw .shadowed(shadowed) }
    }
}
