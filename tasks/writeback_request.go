package tasks

import (
	"context"
	"fmt"

	"github.com/docket-rpa/docket/bots/writeback"
	"github.com/docket-rpa/docket/orchestrator"
)

// WriteBackNote turns a resolved task into the write-back bot's portal
// action (the withRequest of NewWriteBackHandler): a note on the account
// recording the decision, who made it and the task it came from. Only
// coding-hold items have an account in the coding worklist; for others
// the request has no account and the bot refuses it as invalid. The note
// carries ids and the outcome's name, never the resolver's free text.
func WriteBackNote(st orchestrator.Store) func(context.Context, orchestrator.WriteBackRequest) context.Context {
	return func(ctx context.Context, req orchestrator.WriteBackRequest) context.Context {
		account := ""
		if it, err := st.Item(ctx, req.ItemID); err == nil && it.Kind == orchestrator.KindCodingHold {
			account = it.ExternalID
		}
		return writeback.WithRequest(ctx, writeback.Request{
			ID:      fmt.Sprint(req.TaskID),
			Account: account,
			Action:  writeback.ActionAddNote,
			Params: map[string]string{"text": fmt.Sprintf("Docket task %d resolved as %s by %s.",
				req.TaskID, req.Outcome, req.Actor)},
		})
	}
}
