package claimscrubber

// Field groups the bot reads from the selector file.
const (
	groupClaim  = "claim"  // the claim header, by label
	groupEdit   = "edit"   // the edit table, by column heading
	groupExport = "export" // the CSV export, by column heading
)

// Elements the bot needs from the selector file.
const (
	elMaintenance    = "maintenance_notice"
	elLoginUsername  = "login_username"
	elLoginPassword  = "login_password"
	elLoginSubmit    = "login_submit"
	elLoginError     = "login_error"
	elLoginOTP       = "login_otp"
	elBatchTable     = "batch_table"
	elBatchRows      = "batch_rows"
	elBatchLink      = "batch_link"
	elClaimTable     = "claim_table"
	elClaimRows      = "claim_rows"
	elClaimLink      = "claim_link"
	elListEmpty      = "list_empty"
	elNextPage       = "next_page"
	elExportLink     = "export_link"
	elClaimFieldRows = "claim_field_rows"
	elFieldLabel     = "field_label"
	elFieldValue     = "field_value"
	elEditHeaders    = "edit_headers"
	elEditRows       = "edit_rows"
	elTableCell      = "table_cell"
)

// requiredElements lists every element Run uses, checked by New.
func requiredElements() []string {
	return []string{
		elMaintenance, elLoginUsername, elLoginPassword, elLoginSubmit, elLoginError, elLoginOTP,
		elBatchTable, elBatchRows, elBatchLink, elClaimTable, elClaimRows, elClaimLink, elListEmpty, elNextPage,
		elExportLink, elClaimFieldRows, elFieldLabel, elFieldValue, elEditHeaders, elEditRows, elTableCell,
	}
}

// fetchedElements are the elements read on pages fetched over the browser
// session: claim pages, claim lists no screenshot is kept of, and an
// error page instead of the export.
func fetchedElements() []string {
	return []string{elMaintenance, elClaimRows, elClaimLink, elListEmpty, elNextPage,
		elClaimFieldRows, elFieldLabel, elFieldValue, elEditHeaders, elEditRows, elTableCell}
}
