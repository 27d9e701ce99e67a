"""The command groups of ``fvm``: where each lives and what it is for. A group's module is
imported only when the group is used, so that ``fvm --help`` and every command stay quick."""

from fvmcli.i18n import N_

# name → (module, the one line that describes it in ``fvm --help`` and in its own help)
GROUPS: dict[str, tuple[str, str]] = {
    "unit": (
        "fvmcli.cli.units",
        N_("Units: wards, clinics, laboratories, every place that goes live."),
    ),
    "phase": (
        "fvmcli.cli.phases",
        N_("Rollout phases (etapper) and go-live dates."),
    ),
    "checklist": (
        "fvmcli.cli.checklist",
        N_("Readiness checklists: control questions, answers, scores, printouts."),
    ),
    "course": (
        "fvmcli.cli.courses",
        N_("Courses: the curriculum and training coverage."),
    ),
    "person": (
        "fvmcli.cli.people",
        N_("People in training: add, import, list, forget."),
    ),
    "session": (
        "fvmcli.cli.sessions",
        N_("Training sessions: schedule, enrol, waitlist, attendance, rosters."),
    ),
    "equipment": (
        "fvmcli.cli.equipment",
        N_("Equipment: recommendations, counts per unit, readiness, territory needs."),
    ),
    "cutover": (
        "fvmcli.cli.cutover",
        N_("Cutover: readiness across units, areas and phases; go/no-go; reports."),
    ),
    "gate": (
        "fvmcli.cli.gate",
        N_("Go/no-go: criteria, a proposal bound to its evidence, votes, the decision."),
    ),
    "hypercare": (
        "fvmcli.cli.hypercare",
        N_("Hypercare: the weeks after go-live, unit by unit, against agreed pause criteria."),
    ),
    "runbook": (
        "fvmcli.cli.runbook",
        N_("Runbooks of the cut-over: tasks, owners, the planned schedule from T0."),
    ),
    "run": (
        "fvmcli.cli.run",
        N_("The cut-over carried out: rehearsals and the live run, marks, status, fallback."),
    ),
    "content": (
        "fvmcli.cli.content",
        N_("Content in the database: publish a pack, its versions, what a change changes."),
    ),
    "history": (
        "fvmcli.cli.history",
        N_("History: verify that no change was altered or removed outside fvm."),
    ),
    "bundle": (
        "fvmcli.cli.bundle",
        N_("Offline bundles: export a unit's answers, import them elsewhere."),
    ),
    "access": (
        "fvmcli.cli.access",
        N_("Rights on a shared PostgreSQL database: roles per login, scoped to units or areas."),
    ),
    "remind": (
        "fvmcli.cli.remind",
        N_("Reminder digests by e-mail: late and coming work, training and equipment gaps."),
    ),
}
