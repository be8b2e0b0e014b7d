package orchestrator

// BuiltinKinds declares the built-in record kinds fully, so that every
// view can render them from the declaration as it renders a pack's kinds.
// Their Go types (CodingHold, ClaimEdit) stay what the bots fill in; the
// declared names are those types' JSON names.
func BuiltinKinds() []RecordKind {
	return []RecordKind{codingHoldKind(), claimEditKind()}
}

func codingHoldKind() RecordKind {
	return RecordKind{
		Kind: KindCodingHold, Label: "Coding hold", Queue: QueueCoding,
		Key: []string{"account_number"}, ExternalIDIsPHI: true,
		PHI: []string{"account_number", "encounter_id", "mrn", "patient_name", "date_of_birth", "member_id"},
		Display: []string{"patient_name", "facility", "patient_class", "discharge_date",
			"total_charges_cents", "coding_status"},
		Fields: []KindField{
			{Name: "account_number", Label: "Account", Type: FieldText, Required: true, PHI: true},
			{Name: "encounter_id", Label: "Encounter", Type: FieldText, PHI: true},
			{Name: "mrn", Label: "MRN", Type: FieldText, PHI: true},
			{Name: "patient_name", Label: "Patient", Type: FieldText, Required: true, PHI: true},
			{Name: "date_of_birth", Label: "Date of birth", Type: FieldDate, PHI: true},
			{Name: "member_id", Label: "Member id", Type: FieldText, PHI: true},
			{Name: "facility", Label: "Facility", Type: FieldCode},
			{Name: "patient_class", Label: "Patient class", Type: FieldCode},
			{Name: "admit_date", Label: "Admitted", Type: FieldDate},
			{Name: "discharge_date", Label: "Discharged", Type: FieldDate, Required: true},
			{Name: "days_since_discharge", Label: "Days since discharge", Type: FieldInt},
			{Name: "in_bill_hold", Label: "In bill hold", Type: FieldBool},
			{Name: "financial_class", Label: "Financial class", Type: FieldCode},
			{Name: "primary_payer", Label: "Primary payer", Type: FieldText},
			{Name: "total_charges_cents", Label: "Total charges", Type: FieldMoneyCents},
			{Name: "assigned_coder", Label: "Assigned coder", Type: FieldText},
			{Name: "vendor", Label: "Vendor", Type: FieldText},
			{Name: "coding_status", Label: "Coding status", Type: FieldCode},
			{Name: "drg", Label: "DRG", Type: FieldCode},
			{Name: "hold_reasons", Label: "Hold reasons", Type: FieldGroup, Fields: []KindField{
				{Name: "code", Label: "Code", Type: FieldCode, Required: true},
				{Name: "description", Label: "Description", Type: FieldText},
				{Name: "owner_role", Label: "Owner", Type: FieldCode},
				{Name: "physician", Label: "Physician", Type: FieldText},
				{Name: "note", Label: "Note", Type: FieldText},
				{Name: "added_at", Label: "Added", Type: FieldDate},
			}},
			{Name: "query", Label: "Physician query", Type: FieldGroup, Fields: []KindField{
				{Name: "id", Label: "Query", Type: FieldText},
				{Name: "sent_at", Label: "Sent", Type: FieldDate},
				{Name: "status", Label: "Status", Type: FieldCode},
			}},
			{Name: "deficiencies", Label: "Deficiencies", Type: FieldCodeList},
		},
	}
}

func claimEditKind() RecordKind {
	return RecordKind{
		Kind: KindClaimEdit, Label: "Claim edit", Queue: QueueRevenueIntegrity,
		Key: []string{"claim_id", "edit_id"}, ExternalIDIsPHI: true,
		PHI:     []string{"claim_id", "control_number", "account_number", "patient_name", "date_of_birth", "member_id"},
		Display: []string{"claim_id", "payer", "category", "edit_code", "severity", "owner_team"},
		Fields: []KindField{
			{Name: "claim_id", Label: "Claim", Type: FieldText, Required: true, PHI: true},
			{Name: "control_number", Label: "Patient control number", Type: FieldText, PHI: true},
			{Name: "edit_id", Label: "Edit", Type: FieldText, Required: true},
			{Name: "account_number", Label: "Account", Type: FieldText, PHI: true},
			{Name: "patient_name", Label: "Patient", Type: FieldText, PHI: true},
			{Name: "date_of_birth", Label: "Date of birth", Type: FieldDate, PHI: true},
			{Name: "member_id", Label: "Member id", Type: FieldText, PHI: true},
			{Name: "payer", Label: "Payer", Type: FieldText},
			{Name: "bill_type", Label: "Bill type", Type: FieldCode},
			{Name: "service_from", Label: "Service from", Type: FieldDate},
			{Name: "service_to", Label: "Service to", Type: FieldDate},
			{Name: "source", Label: "Source", Type: FieldCode},
			{Name: "category", Label: "Category", Type: FieldCode},
			{Name: "edit_code", Label: "Edit code", Type: FieldCode},
			{Name: "message", Label: "Message", Type: FieldText},
			{Name: "severity", Label: "Severity", Type: FieldCode},
			{Name: "line_number", Label: "Line", Type: FieldInt},
			{Name: "code", Label: "Code", Type: FieldCode},
			{Name: "modifiers", Label: "Modifiers", Type: FieldCodeList},
			{Name: "units", Label: "Units", Type: FieldInt},
			{Name: "diagnoses", Label: "Diagnoses", Type: FieldCodeList},
			{Name: "column1_code", Label: "Column 1 code", Type: FieldCode},
			{Name: "column2_code", Label: "Column 2 code", Type: FieldCode},
			{Name: "modifier_indicator", Label: "Modifier indicator", Type: FieldCode},
			{Name: "mue_units", Label: "MUE units", Type: FieldInt},
			{Name: "mue_adjudication_indicator", Label: "MUE adjudication indicator", Type: FieldCode},
			{Name: "owner_team", Label: "Owner team", Type: FieldCode},
			{Name: "first_seen", Label: "First seen", Type: FieldDate},
			{Name: "age_days", Label: "Age (days)", Type: FieldInt},
			{Name: "filing_deadline", Label: "Filing deadline", Type: FieldDate},
			{Name: "resolution", Label: "Resolution", Type: FieldCode},
		},
	}
}
