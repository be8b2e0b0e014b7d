package sqlstore_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/orchestrator/sqlstore"
)

func ExampleOpenAndMigrate() {
	dir, err := os.MkdirTemp("", "docket-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)

	ctx := context.Background()
	store, err := sqlstore.OpenAndMigrate(ctx, sqlstore.Config{URL: "sqlite://" + filepath.Join(dir, "docket.db")})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer store.Close()

	at := time.Date(2026, 11, 28, 6, 0, 0, 0, time.UTC)
	hold := orchestrator.CodingHold{AccountNumber: "A100", CodingStatus: "not_coded"}
	u, err := orchestrator.NewItemUpsert("run-1", at, orchestrator.Observation{
		Portal: "coding-worklist", ExternalID: "A100", Kind: orchestrator.KindCodingHold,
		Queue: orchestrator.QueueCoding, Data: hold,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for range 2 {
		res, err := store.UpsertItem(ctx, u)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(res.Outcome, "version", res.Item.Version)
	}
	// Output:
	// created version 1
	// unchanged version 1
}
