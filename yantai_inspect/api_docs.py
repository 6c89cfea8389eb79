"""The API documentation's user-facing texts, in one place: a short summary for every operation, and for those
a mobile-app developer looks up first (filing, visits, check-in, records, signing, rectification, complaints)
a description, all through gettext, so the schema is served in the reader's language (/api/schema/ with
``Accept-Language: zh-hans``, or ``?lang=``). The views' docstrings stay the developers' notes in English: an
operation listed here with a description shows that instead.

drf-spectacular runs ``translate_operations`` after generating the schema (``POSTPROCESSING_HOOKS``), in the
request's language. An operation missing from the table keeps its docstring and gets no summary;
``tests/test_api_docs.py`` checks that every operation has one."""

from django.utils.translation import gettext_lazy as _

# operationId -> (summary, description or None)
OPERATIONS = {
    # signing in
    "v1_auth_token_create": (_("Sign in: get a token for this device"), _(
        "Post a username and password (and the second factor's code when the user has one); the answer's token "
        "goes in the header Authorization: Token <token> of every later request. One token per device: signing "
        "in again on the same device replaces it. Wrong passwords count towards the lockout (429 once locked)."
    )),
    "v1_auth_logout_create": (_("Sign out this device"), None),
    "v1_auth_devices_list": (_("List one's signed-in devices"), None),
    "v1_auth_devices_revoke_create": (_("Sign out one of one's devices"), None),
    # filing plans (the officer app)
    "v1_plans_list": (_("List the agency's inspection plans"), _(
        "The plans of the caller's agency, filtered by ?status= and ?enterprise= (credit code)."
    )),
    "v1_plans_create": (_("File an inspection plan"), _(
        "Files a plan for one enterprise: its matters, a visit window and, for a themed inspection, the theme. "
        "A non-urgent plan is filed at least 7 days before its window and is merged with other agencies' plans "
        "into one joint visit. The answer says which visit it joined. Refused with a readable message when a "
        "rule is broken (window, yearly cap, whitelist, certified officers)."
    )),
    "v1_plans_retrieve": (_("Read an inspection plan"), None),
    "v1_plans_preview_retrieve": (_("Preview the visit a plan would join"), _(
        "The enterprise, matters and window of a plan, without filing it: the joint visit it would join, for "
        "the live preview while filing."
    )),
    "v1_plans_withdraw_create": (_("Withdraw a plan"), _(
        "Withdraws a plan not yet carried out; the reason goes in note."
    )),
    "v1_plans_refile_create": (_("File again a plan not carried out"), None),
    "v1_plans_officers_create": (_("Name the officers of a plan"), None),
    "v1_plans_campaign_create": (_("File plans for many enterprises at once"), None),
    "v1_plans_review_create": (_("Justice bureau: approve or reject a plan"), None),
    "v1_plans_post_review_create": (_("Justice bureau: review a green-channel inspection afterwards"), None),
    "v1_plans_head_approval_create": (_("Agency head: approve or reject a plan"), None),
    "v1_approvals_list": (_("Agency head: plans waiting for approval"), None),
    "v1_reviews_list": (_("Justice bureau: plans waiting for review"), None),
    "v1_invitations_list": (_("List invitations to join other agencies' visits"), None),
    "v1_invitations_decline_create": (_("Decline an invitation"), None),
    # joint visits and check-in
    "v1_joint_tasks_list": (_("List joint visits"), _(
        "The joint visits within the caller's scope; ?enterprise= takes a credit code, ?upcoming= the visits "
        "still to come."
    )),
    "v1_joint_tasks_retrieve": (_("Read a joint visit"), _(
        "One visit: its date, state, agencies, officers and the matters to be checked."
    )),
    "v1_joint_tasks_check_in_create": (_("Check in at the enterprise (scan its QR code)"), _(
        "Post the token read from the enterprise's licence QR code, on the visit day. The record can be "
        "filled in once two officers of the visit have checked in."
    )),
    "v1_joint_tasks_notice_retrieve": (_("Read the inspection notice"), _(
        "For the enterprise app: what the notice page and its PDF show, with the visit's inspection code. "
        "Only the visited enterprise reads it, and only once the visit is fixed (else 404)."
    )),
    "v1_joint_tasks_record_retrieve": (_("Read the record of a visit"), None),
    # on-site records
    "v1_records_list": (_("List inspection records"), _(
        "Records the caller may see (an enterprise: its own; an agency: those of its visits), newest first; "
        "?status=final lists those awaiting the enterprise's signature."
    )),
    "v1_records_retrieve": (_("Read an inspection record"), _(
        "The whole record: each matter's result, notes and photos, the problems found, the officers who "
        "checked in, its content hash and its signature or refusal."
    )),
    "v1_record_items_partial_update": (_("Record a matter's result"), _(
        "Sets one checklist item's result (compliant, not compliant, not applicable) and its note, while the "
        "record is a draft."
    )),
    "v1_record_items_photos_create": (_("Add a photo to a matter"), _(
        "Uploads a photo for a checklist item; its location data is removed before it is stored."
    )),
    "v1_record_items_findings_create": (_("Record a problem found"), _(
        "A problem on a non-compliant item: its description, severity (minor or serious) and the date by "
        "which it must be rectified."
    )),
    "v1_records_finalise_create": (_("Finalise a record and send it to the enterprise"), _(
        "Closes the draft with its summary; the enterprise is asked to sign it or to refuse with an objection."
    )),
    "v1_records_sign_create": (_("Enterprise: sign a record"), _(
        "Signs a finalised record by typed name or a drawn signature (a PNG), after confirming it was read. "
        "The signed PDF is rendered in the background."
    )),
    "v1_records_refuse_create": (_("Enterprise: refuse to sign a record"), _(
        "Refuses a finalised record with a written objection, which is sent to the justice bureau."
    )),
    "v1_records_pdf_retrieve": (_("Download a record's PDF"), _(
        "The PDF once rendered; 202 while it is still being prepared."
    )),
    "v1_records_papers_list": (_("List the papers issued on a record"), None),
    "v1_papers_pdf_retrieve": (_("Download a paper's PDF"), None),
    "v1_photos_retrieve": (_("Download a photo"), None),
    # rectification
    "v1_findings_list": (_("List problems to rectify"), _(
        "An agency's rectification queue, or an enterprise's own problems, with their deadlines and the "
        "evidence submitted."
    )),
    "v1_findings_rectifications_create": (_("Enterprise: submit rectification evidence"), _(
        "A note and photos showing a minor problem is rectified; the responsible agency accepts it or returns "
        "it with a reason. Serious problems are checked again on site."
    )),
    "v1_findings_recheck_create": (_("File the re-check of a serious problem"), None),
    "v1_rectifications_accept_create": (_("Accept rectification evidence"), None),
    "v1_rectifications_return_create": (_("Return rectification evidence with a reason"), None),
    # 非现场检查 (remote checks)
    "v1_remote_checks_list": (_("List remote checks"), _(
        "An agency's remote checks, those a justice bureau supervises, or an enterprise's own, newest first: "
        "plans whose matters are all checked on documents or photos, never visits."
    )),
    "v1_remote_checks_retrieve": (_("Read a remote check"), _(
        "The matters asked for with their standards, the deadline, the files sent and the conclusion."
    )),
    "v1_remote_checks_submit_create": (_("Enterprise: send documents or photos for a remote check"), _(
        "PDF documents or photos, by the deadline; every file is checked and cleaned (a PDF re-written page by "
        "page, a photo re-encoded without its metadata). More may be sent until the agency concludes."
    )),
    "v1_remote_checks_conclude_create": (_("Conclude a remote check"), _(
        "Compliant, or problems found: each problem on one of the check's matters (problems: matter, "
        "description, severity). Each becomes a finding rectified as those found on site (the enterprise sends "
        "evidence, the agency accepts or returns it; a serious one is re-checked on site), due by the day set "
        "here. It never creates a visit."
    )),
    "v1_remote_checks_withdrawal_create": (_("Withdraw a remote check"), _(
        "By its agency, with the reason, before it is concluded. The enterprise is told and has nothing more to "
        "send; a withdrawn check is not counted in the statistics."
    )),
    "v1_remote_checks_evidence_retrieve": (_("Download a file sent for a remote check"), None),
    # complaints
    "v1_complaints_list": (_("List complaints"), _(
        "An enterprise's own complaints, or those a justice bureau handles, newest first."
    )),
    "v1_complaints_create": (_("Enterprise: file a complaint"), _(
        "A complaint about an inspection to the justice bureau: its kind and what happened. The bureau's "
        "steps and answer are read with the complaint."
    )),
    # objections to findings and the right to reply (异议与陈述申辩)
    "v1_records_objections_list": (_("A record's objections, decisions and replies"), None),
    "v1_records_objections_create": (_("Enterprise: object to a finding of its record"), _(
        "Within the set number of days after signing or refusing the record, the enterprise objects to one "
        "of its findings, once. An officer of the responsible agency who took no part in the visit, or the "
        "justice bureau, decides; the enterprise may then reply once."
    )),
    "v1_objections_list": (_("List objections to findings"), None),
    "v1_objections_retrieve": (_("Read an objection"), None),
    "v1_objections_decide_create": (_("Decide on an objection (not by an officer of the visit)"), None),
    "v1_objections_reply_create": (_("Enterprise: reply to the decision on its objection"), None),
    # supervision opinions (行政执法监督)
    "v1_supervision_opinions_list": (_("List supervision opinions"), _(
        "The opinions and correction notices a justice bureau issued, or those addressed to the caller's agency, "
        "newest first; ?overdue=1 for those whose answer is late."
    )),
    "v1_supervision_opinions_create": (_("Justice bureau: issue a supervision opinion"), _(
        "An opinion or a correction notice to an agency the bureau supervises, about exactly one plan (a "
        "green-channel inspection judged unjustified included), joint visit or upheld complaint, to be answered "
        "within a number of working days."
    )),
    "v1_supervision_opinions_retrieve": (_("Read a supervision opinion and its steps"), None),
    "v1_supervision_opinions_answer_create": (_("Agency: answer a supervision opinion"), None),
    "v1_supervision_opinions_review_create": (_("Justice bureau: accept or return an opinion's answer"), None),
    "v1_supervision_counts_list": (_("Justice bureau: supervision opinions counted by agency, kind and state"),
                                   None),
    "v1_complaints_retrieve": (_("Read a complaint and its steps"), None),
    "v1_complaints_action_create": (_("Justice bureau: take the next step on a complaint"), _(
        "Accept, investigate, uphold or dismiss (the outcome in note), close, extend (workdays, and the "
        "reason in note) or return (to_bureau, and the reason)."
    )),
    # ratings (满意度), visit burden (检查负担), service requests (入市第一课)
    "v1_ratings_list": (_("List ratings of visits"), _(
        "An enterprise's own ratings, or every rating of a justice bureau's area with who rated. Agencies are "
        "refused: they read only the summary."
    )),
    "v1_ratings_create": (_("Enterprise: rate a visit"), _(
        "After a visit is done (its record final) the enterprise rates it once, 1 to 5 with a comment."
    )),
    "v1_ratings_summary_retrieve": (_("Satisfaction in aggregate"), _(
        "Satisfaction is the share of ratings of 4 or 5. An agency sees only months that are over with at least "
        "5 ratings of its visits, never who rated; a justice bureau sees its area's months and the city's figure."
    )),
    "v1_my_enterprise_burden_retrieve": (_("Enterprise: how often it is visited"), _(
        "The visits of the current period by kind (joint, green channel, re-check, random, missed), the alert "
        "threshold and this year's total."
    )),
    "v1_burden_most_visited_retrieve": (_("Justice bureau: the most-visited enterprises"), None),
    "v1_burden_alerts_list": (_("Justice bureau: visit-burden alerts"), _(
        "Enterprises visited more than the threshold in the period, or twice by one agency within 30 days."
    )),
    "v1_service_requests_list": (_("List service requests"), _(
        "An enterprise's requests for help, those routed to the officer's agency, or those of the justice "
        "bureau's area, newest first."
    )),
    "v1_service_requests_create": (_("Enterprise: ask for help"), _(
        "Brand building, IP protection, compliance guidance, financing or other: routed by its kind and the "
        "enterprise's district to the agency that answers it."
    )),
    "v1_service_requests_retrieve": (_("Read a service request, its answer and its re-routes"), None),
    "v1_service_requests_answer_create": (_("Agency: answer a service request"), None),
    "v1_service_requests_close_create": (_("Close a service request"), None),
    "v1_service_requests_reroute_create": (_("Re-route a service request to another agency"), _(
        "The agency it is routed to, or the justice bureau of the enterprise's district, sends a request still "
        "waiting for an answer on to another agency of the enterprise's area, with the reason; the enterprise "
        "sees the step and the new agency is told."
    )),
    # the enterprise's own
    "v1_my_enterprise_qr_retrieve": (_("Enterprise: its licence QR code"), None),
    "v1_my_enterprise_caps_retrieve": (_("Enterprise: this year's inspection caps"), None),
    "v1_my_enterprise_credit_retrieve": (_("Enterprise: its credit grade"), None),
    "v1_my_enterprise_busy_periods_list": (_("Enterprise: list busy periods"), None),
    "v1_my_enterprise_busy_periods_create": (_("Enterprise: declare a busy period"), None),
    "v1_my_enterprise_busy_periods_destroy": (_("Enterprise: remove a busy period"), None),
    # notifications
    "v1_notifications_list": (_("List notifications"), None),
    "v1_notifications_read_create": (_("Mark all notifications as read"), None),
    # register and catalogue
    "v1_enterprises_list": (_("List enterprises"), None),
    "v1_enterprises_retrieve": (_("Read an enterprise"), None),
    "v1_enterprises_suggestions_retrieve": (_("Suggest enterprises by name or credit code"), None),
    "v1_matters_list": (_("List supervision matters"), None),
    "v1_themes_list": (_("List inspection themes"), None),
    "v1_public_certificates_retrieve": (_("Public: check an enforcement certificate"), None),
    "v1_public_agencies_officers_list": (_("Public: an agency's certified officers"), None),
    "v1_verify_inspection_retrieve": (_("Public: verify an inspection"), None),
    "v1_verify_paper_retrieve": (_("Public: verify a paper"), None),
    # recusal, random checks, whitelist, policy, statistics, audit
    "v1_conflicts_list": (_("List one's conflicts of interest"), None),
    "v1_conflicts_create": (_("Declare a conflict of interest"), None),
    "v1_recusals_list": (_("List recusal requests"), None),
    "v1_recusals_create": (_("Enterprise: request an officer's recusal"), None),
    "v1_recusals_decide_create": (_("Grant or refuse a recusal request"), None),
    "v1_random_checks_list": (_("List random-check campaigns"), None),
    "v1_random_checks_create": (_("Create a random-check campaign"), None),
    "v1_random_checks_draws_list": (_("A campaign's drawn enterprises"), None),
    "v1_random_checks_draw_create": (_("Draw a campaign's enterprises"), None),
    "v1_public_random_checks_replay_retrieve": (_("Public: replay a campaign's draw"), None),
    # yearly inspection plans (年度检查计划) and special inspections (专项检查)
    "v1_yearly_plans_list": (_("List the agency's yearly inspection plans"), None),
    "v1_yearly_plans_create": (_("Draft a yearly inspection plan"), _(
        "One plan per agency and year, for this year or the next. Add its lines, then publish it: the rule says "
        "by 31 March of its year; a plan published later is marked late."
    )),
    "v1_yearly_plans_retrieve": (_("Read a yearly inspection plan with its lines"), None),
    "v1_yearly_plans_lines_create": (_("Add a line to a draft yearly plan"), _(
        "A matter of the agency's department in force from today to the line's deadline, a population (division, "
        "industry, theme), the planned number of visits and the deadline within the plan's year."
    )),
    "v1_yearly_plans_lines_remove_create": (_("Remove a line from a draft yearly plan"), None),
    "v1_yearly_plans_publish_create": (_("Publish a yearly inspection plan"), _(
        "Publishes the draft on the public pages; it can no longer be changed. After 31 March of its year it is "
        "marked as published late."
    )),
    "v1_yearly_plans_overview_list": (_("Justice bureau: which agencies have published their yearly plan"), None),
    "v1_public_yearly_plans_list": (_("Public: the published yearly inspection plans of a year"), None),
    "v1_special_inspections_list": (_("List special inspection campaigns"), None),
    "v1_special_inspections_create": (_("Request a special inspection campaign"), _(
        "The level above approves it (a district agency's city agency, through its head; for a city agency the "
        "city justice bureau). It counts against the agency's yearly quota from the request: a request over the "
        "quota is refused with the numbers."
    )),
    "v1_special_inspections_retrieve": (_("Read a special inspection campaign"), None),
    "v1_special_inspections_decision_create": (_("Approve or reject a special inspection campaign"), _(
        "By the level above, with its opinion. An approved campaign is published, and plans filed under it "
        "(special_campaign in POST /api/v1/plans/) are exempt from the yearly caps."
    )),
    "v1_special_inspections_withdrawal_create": (_("Withdraw a special inspection campaign"), _(
        "By its agency, with the reason, while it awaits approval, or once approved before its first day and "
        "with no plan filed under it. It then no longer counts against the yearly quota and is not published."
    )),
    "v1_special_inspections_quotas_list": (_("The yearly quotas of special inspections"), None),
    "v1_special_inspections_quotas_create": (_("Set a yearly quota of special inspections"), None),
    "v1_public_special_inspections_list": (_("Public: the approved special inspections"), None),
    "v1_sampling_rates_list": (_("List sampling rates"), None),
    "v1_sampling_rates_create": (_("Set sampling rates"), None),
    "v1_whitelist_list": (_("The published whitelist"), None),
    "v1_whitelist_candidates_list": (_("Justice bureau: whitelist candidates"), None),
    "v1_whitelist_candidates_decide_create": (_("Justice bureau: decide on a whitelist candidate"), None),
    "v1_credit_grade_imports_list": (_("List credit grade imports"), None),
    "v1_credit_grade_imports_create": (
        _("Upload a CSV of credit grades"),
        _("The city justice bureau or a platform administrator; the import runs in the background: follow it "
          "on the import's own operation."),
    ),
    "v1_credit_grade_imports_retrieve": (_("A credit grade import's progress and bad rows"), None),
    "v1_credit_grade_imports_rerun_create": (_("Run a credit grade import again"), None),
    "v1_cap_policy_retrieve": (_("The inspection cap policy in force"), None),
    "v1_cap_policy_create": (_("Set the inspection cap policy"), None),
    "v1_statistics_retrieve": (_("Statistics"), _(
        "The figures of the caller's plans and their visits, and remote checks as their own figure "
        "(remote_checks: requested, compliant, problems, overdue, open; never counted as visits)."
    )),
    "v1_oversight_retrieve": (
        _("The oversight dashboard's figures"),
        _(
            "Joint-inspection share, visits avoided, 7-day filing rate, green channel and its review, inspections "
            "against the same period last year, the share that found a problem, whitelist size, complaints "
            "against their deadlines, remote checks (requested, compliant, problems found, overdue) and "
            "supervision opinions (issued, by kind, answered on time, overdue: a bureau those it issued, an "
            "agency those addressed to it), for the caller's slice (an agency its own plans, a justice bureau the "
            "divisions it supervises), overall and by month, agency, theme or district (by). Percentages are "
            "percent; a group's value is null where the figure is not broken down that way."
        ),
    ),
    "v1_audit_verification_retrieve": (_("The audit chain's last verification"), None),
    "v1_audit_verification_create": (_("Verify the audit chain"), None),
}


def translate_operations(result, generator, request, public):
    """drf-spectacular postprocessing hook: each operation's summary (and description, where the table has
    one) from ``OPERATIONS``, in the active language."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict) or operation.get("operationId") not in OPERATIONS:
                continue
            summary, description = OPERATIONS[operation["operationId"]]
            operation["summary"] = str(summary)
            if description is not None:
                operation["description"] = str(description)
    return result
