package tasks

import (
	"context"
	"fmt"
	"strings"

	"github.com/docket-rpa/docket/bots/writeback"
	"github.com/docket-rpa/docket/orchestrator"
)

// WriteBackNote is the portal action of a resolved task's write-back: a
// note on the account recording the decision, who made it and the task it
// came from. Only coding holds have an account in the coding worklist; for
// any other item it says so (and the write-back fails for good, in those
// words). The note carries ids and the outcome's name, never the
// resolver's free text.
func WriteBackNote(st orchestrator.Store) WriteBackAction {
	return func(ctx context.Context, req orchestrator.WriteBackRequest) (writeback.Request, error) {
		it, err := st.Item(ctx, req.ItemID)
		if err != nil {
			return writeback.Request{}, fmt.Errorf("tasks: write-back %s: %w", req.RunID, err)
		}
		if it.Kind != orchestrator.KindCodingHold {
			return writeback.Request{}, &ActionRefusedError{Reason: fmt.Sprintf(
				"The write-back bot acts only on coding-hold accounts, and this item is a %s from %s: there is no account to write to.",
				strings.ReplaceAll(string(it.Kind), "_", " "), it.Portal)}
		}
		return writeback.Request{
			ID:      fmt.Sprint(req.TaskID),
			Account: it.ExternalID,
			Action:  writeback.ActionAddNote,
			Params: map[string]string{"text": fmt.Sprintf("Docket task %d resolved as %s by %s.",
				req.TaskID, req.Outcome, req.Actor)},
		}, nil
	}
}
