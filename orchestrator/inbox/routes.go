package inbox

import (
	"net/http"

	"github.com/docket-rpa/docket/orchestrator"
)

const (
	public     orchestrator.Role = ""
	viewer                       = orchestrator.RoleViewer
	staff                        = orchestrator.RoleStaff
	supervisor                   = orchestrator.RoleSupervisor
	admin                        = orchestrator.RoleAdmin
)

// table is the route-role matrix: every route the server has and the
// least role it needs. Viewers see no patient data: task, item and
// evidence routes start at staff.
func (s *Server) table() []Route {
	page := func(method, pattern string, role orchestrator.Role, h func(http.ResponseWriter, *http.Request, *principal)) Route {
		return Route{Method: method, Pattern: pattern, Role: role, handle: h}
	}
	api := func(method, pattern string, role orchestrator.Role, summary string, h func(http.ResponseWriter, *http.Request, *principal)) Route {
		return Route{Method: method, Pattern: pattern, Role: role, API: true, Summary: summary, handle: h}
	}
	return []Route{
		page("GET", "/static/{file}", public, s.static),
		page("GET", "/login", public, s.loginForm),
		page("POST", "/login", public, s.login),
		page("POST", "/logout", viewer, s.logout),

		page("GET", "/{$}", viewer, s.overview),
		page("GET", "/inbox", staff, s.inbox),
		page("GET", "/work", staff, s.myWork),
		page("GET", "/next", staff, s.nextPage),
		page("POST", "/inbox/claim", staff, s.listClaim),
		page("POST", "/inbox/assign", supervisor, s.bulkAssign),
		page("GET", "/tasks/{id}", staff, s.taskPage),
		page("POST", "/tasks/{id}/claim", staff, s.taskAction(actClaim)),
		page("POST", "/tasks/{id}/release", staff, s.taskAction(actRelease)),
		page("POST", "/tasks/{id}/comments", staff, s.taskAction(actComment)),
		page("POST", "/tasks/{id}/resolve", staff, s.taskAction(actResolve)),
		page("POST", "/tasks/{id}/assign", supervisor, s.taskAction(actAssign)),
		page("POST", "/tasks/{id}/retry-writeback", supervisor, s.taskAction(actRetryWriteBack)),
		page("GET", "/evidence/{id}", staff, s.evidenceContent),
		page("GET", "/evidence/{id}/page", staff, s.evidencePage),

		page("GET", "/queues", viewer, s.queuesPage),
		page("GET", "/bots", viewer, s.botsPage),
		page("GET", "/runs/{id}", viewer, s.runPage),
		page("GET", "/schedules", viewer, s.schedulesPage),
		page("GET", "/schedules/{bot}/pause", supervisor, s.confirmPause),
		page("POST", "/schedules/{bot}/pause", supervisor, s.scheduleAction(schedPause)),
		page("POST", "/schedules/{bot}/resume", supervisor, s.scheduleAction(schedResume)),
		page("POST", "/schedules/{bot}/run", supervisor, s.scheduleAction(schedRun)),
		page("GET", "/audit", supervisor, s.auditPage),

		page("GET", "/account/tokens", viewer, s.tokensPage),
		page("POST", "/account/tokens", viewer, s.createToken),
		page("POST", "/account/tokens/{id}/revoke", viewer, s.revokeToken),
		page("GET", "/admin/users", admin, s.usersPage),
		page("POST", "/admin/users", admin, s.saveUser),

		api("GET", "/api/openapi.json", public, "This document", s.openAPI),
		api("GET", "/api/v1/me", viewer, "Who the caller is", s.apiMe),
		api("GET", "/api/v1/tasks", staff, "List tasks (inbox filters, sorting, paging)", s.apiTasks),
		api("GET", "/api/v1/tasks/{id}", staff, "One task with its item, history, comments and evidence", s.apiTask),
		api("POST", "/api/v1/tasks/{id}/claim", staff, "Claim a task", s.apiTaskAction(actClaim)),
		api("POST", "/api/v1/tasks/{id}/release", staff, "Release a claimed task", s.apiTaskAction(actRelease)),
		api("POST", "/api/v1/tasks/{id}/comments", staff, "Comment on a task", s.apiTaskAction(actComment)),
		api("POST", "/api/v1/tasks/{id}/resolve", staff, "Resolve a task with an outcome", s.apiTaskAction(actResolve)),
		api("POST", "/api/v1/tasks/{id}/assign", supervisor, "Assign a task to a user", s.apiTaskAction(actAssign)),
		api("POST", "/api/v1/tasks/{id}/retry-writeback", supervisor, "Request a failed write-back again (a new run)", s.apiTaskAction(actRetryWriteBack)),
		api("GET", "/api/v1/evidence/{id}", staff, "Evidence record (metadata)", s.apiEvidence),
		api("GET", "/api/v1/evidence/{id}/content", staff, "Evidence content, verified against its hash", s.evidenceContent),
		api("GET", "/api/v1/queues", viewer, "Queues with backlog and aging", s.apiQueues),
		api("GET", "/api/v1/bots", viewer, "Bots with their last run and pause state", s.apiBots),
		api("GET", "/api/v1/runs", viewer, "Recent runs", s.apiRuns),
		api("GET", "/api/v1/runs/{id}", viewer, "One run with its evidence records", s.apiRun),
		api("POST", "/api/v1/schedules/{bot}/pause", supervisor, "Pause a bot's schedule", s.apiScheduleAction(schedPause)),
		api("POST", "/api/v1/schedules/{bot}/resume", supervisor, "Resume a bot's schedule", s.apiScheduleAction(schedResume)),
		api("POST", "/api/v1/schedules/{bot}/run", supervisor, "Run a bot now", s.apiScheduleAction(schedRun)),
		api("GET", "/api/v1/audit", supervisor, "Audit log entries", s.apiAudit),
		api("GET", "/api/v1/users", admin, "List users", s.apiUsers),
	}
}
