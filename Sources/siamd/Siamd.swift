import SiamCore
import ArgumentParser
import SiamDaemon

/// The `siamd` command: the admin CLI and the daemon (`siamd run`).
struct Siamd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "siamd",
        abstract: "Multi-vendor SIAM coordination: suppliers, handoffs, shared incidents, SLA/OLA clocks and escalations.",
        discussion: """
            Every command takes --database URL (else DATABASE_URL, else libpq's own PG* variables, \
            service and password files; with none of them, siamd's own embedded PostgreSQL in its \
            state directory). Tables for people by default; --json for scripts.
            Exit status: 0 done, 1 refused by the database (bad value, unknown reference, illegal \
            change: nothing changed), 2 bad usage (options, durations, instants, calendar specs), \
            3 database unreachable, 4 schema missing or of another version, 70 internal error.
            """,
        version: SiamdVersion.current,
        subcommands: [
            DemoCommand.self,
            DbCommand.self,
            SupplierCommand.self,
            ServiceCommand.self,
            CustomerCommand.self,
            CalendarCommand.self,
            TargetCommand.self,
            IncidentCommand.self,
            HandoffCommand.self,
            EscalationCommand.self,
            ComplaintCommand.self,
            FeedbackCommand.self,
            DisputeCommand.self,
            RuleCommand.self,
            ReceiverCommand.self,
            RouteCommand.self,
            NotificationCommand.self,
            EventsCommand.self,
            StatusCommand.self,
            ReportCommand.self,
            RunCommand.self,
        ]
    )
}
