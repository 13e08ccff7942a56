/// Who is asking: the user behind the session, with what policies match on.
public struct Subject: Sendable, Hashable, Codable {
    public var id: String
    public var username: String
    public var roles: Set<String>
    public var groups: Set<String>
    public var tenant: String?
    public var attributes: Attributes

    public init(
        id: String,
        username: String,
        roles: Set<String> = [],
        groups: Set<String> = [],
        tenant: String? = nil,
        attributes: Attributes = [:]
    ) {
        self.id = id
        self.username = username
        self.roles = roles
        self.groups = groups
        self.tenant = tenant
        self.attributes = attributes
    }
}
