import Foundation
import SiamStore

extension TestDatabase {
    /// Creates a login role unique to this database (roles are cluster-wide), in the given
    /// group or mapped to a supplier, and returns a connection string that logs in as it.
    func loginRole(_ name: String, group: String? = nil, supplier: String? = nil) throws -> (role: String, conninfo: String) {
        let role = "\(name)_\(self.name)"
        let admin = try connect()
        try admin.query("CREATE ROLE \(try admin.quoteIdentifier(role)) LOGIN")
        if let group {
            try admin.query("GRANT \(try admin.quoteIdentifier(group)) TO \(try admin.quoteIdentifier(role))")
        }
        if let supplier {
            try admin.transaction(actor: "tester") {
                try admin.query("SELECT siam.supplier_grant($1, $2)", [supplier, role])
            }
        }
        let conninfo = conninfo.replacingOccurrences(of: "user=\(try TestCluster.cluster().superuser)", with: "user=\(role)")
        return (role, conninfo)
    }
}
