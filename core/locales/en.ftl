# casetrail user-facing text (English). Keep the same message ids as zh-CN.ftl.

## Record kinds (文书种类)
kind-inspection_plan = Inspection plan
kind-inspection_deployment_notice = Inspection deployment notice
kind-clue_register = Clue register
kind-complaint_record = Complaint record
kind-non_initiation_notice = Notice of non-initiation
kind-case_initiation_approval = Case initiation approval form
kind-emergency_start_record = Emergency start record
kind-inspection_notice = Inspection notice
kind-inspection_inquiry = Statistical inspection inquiry
kind-inquiry_record = Inquiry record
kind-onsite_inspection_record = On-site inspection record
kind-evidence_request_notice = Evidence retrieval notice
kind-evidence_list = Evidence registration list
kind-preservation_approval = Evidence preservation approval
kind-preservation_notice = Evidence preservation notice
kind-preservation_list = Evidence preservation list
kind-preservation_disposal_decision = Preservation disposal decision
kind-sampling_notice = Sampling notice
kind-sampling_list = Sampling list
kind-expert_opinion = Expert opinion
kind-rights_notice = Rights notice
kind-statement_defense_record = Statement and defence record
kind-defense_review = Review of statement and defence
kind-rectification_order = Rectification order
kind-investigation_final_report = Investigation final report
kind-evidence_caption_sheet = Evidence caption sheet
kind-non_cooperation_record = Non-cooperation record
kind-penalty_prior_notice = Prior notice of penalty
kind-hearing_rights_notice = Notice of hearing rights
kind-hearing_request = Hearing request
kind-rights_waiver = Waiver of statement, defence and hearing
kind-hearing_notice = Hearing notice
kind-hearing_record = Hearing record
kind-hearing_report = Hearing report
kind-legal_review_opinion = Legal review opinion
kind-expert_panel_minutes = Expert panel minutes
kind-collective_discussion_minutes = Collective discussion minutes
kind-leader_approval = Leader approval
kind-penalty_decision_approval = Penalty decision approval form
kind-penalty_decision = Penalty decision
kind-no_penalty_decision = Decision not to penalise
kind-on_the_spot_penalty_decision = On-the-spot penalty decision
kind-case_transfer_letter = Case transfer letter
kind-discipline_recommendation = Discipline recommendation
kind-service_receipt = Service receipt
kind-service_address_confirmation = Service address confirmation
kind-entrusted_service_letter = Entrusted service letter
kind-compliance_check_record = Compliance check record
kind-interview_record = Interview record
kind-payment_deferral_approval = Payment deferral approval
kind-execution_record = Execution record
kind-demand_notice = Demand notice
kind-court_enforcement_application = Court enforcement application
kind-publication_record = Publication record
kind-case_closure_report = Case closure report
kind-archive_index = Archive index
kind-av_register = Audio-visual register
kind-access_approval = Access approval form

## Case statuses
status-clue_registered = Clue registered
status-pre_check = Inspection
status-not_initiated = Not initiated
status-filed = Filed
status-investigating = Investigating
status-investigation_concluded = Investigation concluded
status-legal_review = Legal review
status-prior_notice = Prior notice
status-hearing = Hearing
status-deliberation = Deliberation
status-decided = Decided
status-serving = Serving
status-executing = Executing
status-no_penalty = No penalty
status-transferred = Transferred
status-withdrawn = Withdrawn
status-inspection_closed = Inspection closed
status-closed = Closed
status-archived = Archived

## Stages
stage-initiation = Initiation
stage-investigation = Investigation
stage-review_decision = Review and decision
stage-service_execution = Service and execution
stage-archiving = Archiving

## Record statuses
record-status-draft = draft
record-status-finalized = finalized
record-status-void = void

## Validation rules
validation-required = { $field }: required
validation-too_long = { $field }: too long
validation-control_characters = { $field }: contains control characters
validation-bad_format = { $field }: wrong format
validation-bad_check_character = { $field }: check character does not match; re-check the number
validation-invalid_date = { $field }: invalid date or time
validation-too_few = { $field }: not enough
validation-too_many = { $field }: too many
validation-duplicate = { $field }: duplicate
validation-certificate_not_valid = { $field }: enforcement certificate not valid
validation-out_of_range = { $field }: out of range
validation-unknown_reference = { $field }: refers to something that does not exist
validation-inconsistent = { $field }: contradicts another field
validation-not_allowed = { $field }: not allowed

## Error classes
error-validation = Invalid input
error-not_found = Not found
error-ambiguous = The id prefix matches more than one item; type more of it
error-invalid_state = Not allowed in the current state
error-crypto = Key or signature problem
error-journal = The journal cannot be read
error-vault = Key vault error
error-storage_full = Storage is full; nothing was written
error-storage = Database error
error-io = File system error
error-encoding = Data encoding error

## Journal defects
defect-malformed_header = header cannot be read
defect-non_canonical_header = header was rewritten
defect-unsupported_version = unknown format version
defect-index_mismatch = index columns disagree with the signed header
defect-unsupported_algorithm = signature algorithm not allowed
defect-unknown_key = unknown device key
defect-bad_signature = bad signature
defect-altered_body = body altered
defect-broken_link = broken link
defect-gap = missing event
defect-reorder = stored out of order
defect-duplicate_seq = duplicate sequence number

## Signer roles
role-party = Party
role-legal_rep = Legal representative
role-agent = Agent
role-interviewee = Interviewee
role-witness = Witness
role-officer = Officer
role-recorder = Recorder
role-hearing_host = Hearing host
role-serving_officer = Serving officer
role-recipient = Recipient
role-provider = Provider
role-reviewer = Reviewer
role-approver = Approver

## Slot statuses
slot-pending = pending
slot-signed = signed
slot-sealed = sealed
slot-refused = refused
slot-unable = unable to sign
slot-absent = absent
slot-not_required = not required

## Error details
error-not-found-detail = no { $what } “{ $id }”
error-ambiguous-detail = { $what } id prefix “{ $prefix }” matches { $count } items; type more of it
what-case = case
what-record = record
what-evidence = evidence item
what-slot = signature slot
state-record_not_draft = the record is finalized; amend it (a new version) to change it
state-record_void = the record is void
state-no_change = nothing changed
state-case_archived = the case is archived and read-only
state-status_transition_not_allowed = that status change is not allowed
state-record_owned_by_another_device = the record was made on another device; only that device may change it

## Command line
cli-error-prefix = error:{" "}
cli-zone = Beijing time
cli-no-workspace = no workspace at { $home }; run casetrail init first (or pass --home)
cli-init-done = workspace ready: { $home }
cli-device = this device { $id }, ed25519 public key { $key }
cli-case-created = case { $no } opened (id { $id })
cli-no-cases = no cases yet
cli-no-records = (no records yet)
cli-case-line = stage: { $stage }  status: { $status }  id: { $id }
cli-case-opened = opened: { $at }
cli-officer-line = officer: { $name } (certificate { $cert }, { $unit })
cli-party-line = party: { $name } (unified social credit code { $uscc })
cli-bad-json = the JSON cannot be read
cli-bad-value = invalid value “{ $value }” for { $what }
cli-unknown-field = “{ $kind }” has no field “{ $field }”. Fields: { $fields }
cli-record-saved = { $kind } saved: id { $id }, version { $version }, { $status }, content hash #{ $hash }
cli-verify-chain = device { $device }: { $events } events, head #{ $head }
cli-verify-sound = journal sound: signatures, hashes, links and order of all { $events } events hold
cli-verify-unsound = journal NOT sound: { $count } defects
cli-verify-defect = {"  "}seq { $seq }: { $kind } ({ $code })
cli-demo-exists = { $home } already holds a workspace; the demo needs a new directory
demo-title = ═══ casetrail demo: the whole record of one on-site inspection ═══
demo-workspace = workspace: { $home }
demo-device = this device: { $id } (ed25519 signing key generated; its seed is only in the key vault)
demo-case-opened = { $n }. inspection opened: { $no }  { $title }
demo-officers = {"   "}officers: { $officers }
demo-party = {"   "}inspected party: { $name } (unified social credit code { $uscc }, check character valid)
demo-record-finalized = { $n }. { $kind } finalized, content hash #{ $hash }; to sign: { $slots }
demo-qa = {"   "}{ $count } questions and answers, with certificates shown and recusal offered
demo-verified = { $n }. journal verified: all { $events } events signed by this device, hash chain intact, nothing altered
demo-explore = explore: casetrail --home { $home } case show { $case }
