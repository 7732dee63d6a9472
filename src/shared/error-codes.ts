/**
 * Every expected failure Jifen reports, in one place: its HTTP status, a title, and what the caller
 * should do. docs/errors.md is generated from this table (`npm run docs:errors`) and a test keeps
 * the two in step. Codes are stable: add new ones, never rename or reuse one.
 */
export const ERROR_CODES = {
  validation_failed: {
    status: 400,
    title: 'The request is not valid',
    action:
      'Read `errors`: each item names the field and says what is wrong with it. Fix the request and send it again.',
  },
  malformed_json: {
    status: 400,
    title: 'The body is not valid JSON',
    action: 'Send a JSON body with `Content-Type: application/json`.',
  },
  unauthenticated: {
    status: 401,
    title: 'No valid API key',
    action: 'Send `Authorization: Bearer <api key>` with a key that exists and is not revoked.',
  },
  insufficient_scope: {
    status: 403,
    title: 'The API key lacks a scope this operation needs',
    action: 'Use a key with the scope named in `requiredScope`, or create one with `jifen keys create`.',
  },
  admin_key_required: {
    status: 403,
    title: "This operation needs the deployment's admin key",
    action:
      'Programs are created, listed and archived with the admin key (printed once when the deployment was bootstrapped, or made with `jifen keys create --admin`); program keys cannot.',
  },
  admin_key_not_for_programs: {
    status: 403,
    title: 'The admin key cannot act inside a program',
    action:
      "Use one of the program's own keys; the admin key can mint its first owner key with POST /v1/programs/{programId}/keys.",
  },
  route_not_found: {
    status: 404,
    title: 'No such endpoint',
    action: 'Check the method and path against GET /openapi.json.',
  },
  method_not_allowed: {
    status: 405,
    title: 'The endpoint does not take this method',
    action: 'Use one of the methods the `Allow` header (and `allow`) lists for this path.',
  },
  member_not_found: {
    status: 404,
    title: 'No such member in this program',
    action: 'Create the member first with PUT /v1/members/{memberId}, or check the id.',
  },
  entry_not_found: {
    status: 404,
    title: 'No such entry in this program',
    action: 'Check the entry id (it starts with `ent_`).',
  },
  hold_not_found: {
    status: 404,
    title: 'No such hold in this program',
    action: 'Check the hold id (it starts with `hld_`).',
  },
  rule_not_found: {
    status: 404,
    title: 'No such rule in this program',
    action: 'List rules with GET /v1/rules to find the id (it starts with `rul_`).',
  },
  event_not_found: {
    status: 404,
    title: 'No such event in this program',
    action:
      "Use the id the event was sent with; list a member's events with GET /v1/members/{memberId}/events.",
  },
  api_key_not_found: {
    status: 404,
    title: 'No such API key in this program',
    action: 'List keys with GET /v1/api-keys to find the id (it starts with `key_`).',
  },
  idempotency_key_reused: {
    status: 409,
    title: 'This idempotency key was used for a different request',
    action:
      'Use a new Idempotency-Key for a new request; resend the exact original request to get its original answer.',
  },
  idempotency_answer_erased: {
    status: 410,
    title: "This request was done; its answer was erased with a member's personal data",
    action:
      'Nothing to retry: the request with this Idempotency-Key was done before the member was erased. Read the current state instead (for example GET /v1/members/{memberId}).',
  },
  member_id_taken: {
    status: 409,
    title: 'Another member of this program has this member id',
    action:
      'Member ids are unique in a program: choose another `newMemberId`, or change the other member’s id first (to merge accounts, move the points with a transfer).',
  },
  event_id_reused: {
    status: 409,
    title: 'This event id was already used for a different event',
    action:
      'An event id identifies one event: resend the exact original to get its original answer, or give a different event a new id.',
  },
  order_already_paid: {
    status: 409,
    title: 'This order was already paid by another event',
    action: "Send each order's `order.paid` once; a retry must reuse the original event id and body.",
  },
  order_cancelled: {
    status: 409,
    title: 'This order was cancelled',
    action: 'A cancelled order cannot be paid or refunded; use a new order id for a new order.',
  },
  entry_already_reversed: {
    status: 409,
    title: 'This entry has already been reversed',
    action: 'Nothing to do: see `reversalEntryId` for the reversing entry.',
  },
  hold_not_open: {
    status: 409,
    title: 'The hold is no longer open',
    action:
      'A hold can be captured or voided once; it may also have timed out. Read it with GET /v1/holds/{holdId}.',
  },
  points_held: {
    status: 409,
    title: 'The points to take back are reserved by an open hold',
    action:
      "Capture or void the member's open holds (see `heldPoints`), then retry: otherwise voiding them later would hand back points already taken.",
  },
  rule_has_no_draft: {
    status: 409,
    title: 'The rule has no draft to publish',
    action: 'Write a draft first with PUT /v1/rules/{ruleId}/draft; published versions never change.',
  },
  rule_not_published: {
    status: 409,
    title: 'The rule has no published version to retire',
    action: 'Nothing to do: the rule does not award anything now. See GET /v1/rules/{ruleId}.',
  },
  order_not_found: {
    status: 422,
    title: 'No paid order with this id',
    action:
      'Refunds and cancellations name an order an earlier `order.paid` event paid (attributes.orderId); send that event first.',
  },
  refund_exceeds_order: {
    status: 422,
    title: 'The refund is more than what is left of the order',
    action:
      "Refund at most the order's amount (or item quantities) not yet refunded; `refundableMinor` and `items` say what is left.",
  },
  tier_in_use: {
    status: 409,
    title: 'Members hold a tier the new configuration leaves out',
    action:
      'Keep every tier code members hold (`codes` lists them); rename a tier by changing its name, not its code.',
  },
  tier_retention_unavailable: {
    status: 409,
    title: 'The tier cannot be kept with points now',
    action:
      'Only tiers with `benefits.retainWithPoints` can be kept with points, once per evaluation, by members with an evaluation ahead.',
  },
  tiers_not_configured: {
    status: 404,
    title: 'This program has no tiers yet',
    action: 'Configure them with PUT /v1/tiers.',
  },
  tier_not_found: {
    status: 422,
    title: "No such tier in the program's configuration",
    action: 'Use a tier `code` from GET /v1/tiers.',
  },
  reward_not_found: {
    status: 404,
    title: 'No such reward in this program',
    action: 'List rewards with GET /v1/rewards to find the id (it starts with `rwd_`).',
  },
  redemption_not_found: {
    status: 404,
    title: 'No such redemption in this program',
    action:
      "Check the id (it starts with `rdm_`); list a member's with GET /v1/members/{memberId}/redemptions.",
  },
  reward_state: {
    status: 409,
    title: "The reward's status does not allow this change",
    action:
      'Draft → live or retired; live ↔ paused; any → retired. A retired reward cannot come back: create a new one.',
  },
  reward_unavailable: {
    status: 409,
    title: 'The reward cannot be redeemed now',
    action:
      'Read `why` (not_live or outside_window) and `message`; GET /v1/rewards?memberId= shows what can be redeemed now.',
  },
  out_of_stock: {
    status: 409,
    title: 'The reward does not have enough stock left',
    action: 'Check `stock` (units left); ask for fewer, or wait for an operator to add stock.',
  },
  redemption_limit_reached: {
    status: 422,
    title: "The member reached the reward's redemption limit for a period",
    action: 'Read `period`, `limit` and `used`; the limit resets with the period in the program timezone.',
  },
  tier_not_eligible: {
    status: 422,
    title: "The member's tier may not redeem this reward",
    action: 'Read `eligibleTiers` and `memberTier`; the reward is for members of those tiers only.',
  },
  redemption_state: {
    status: 409,
    title: "The redemption's status does not allow this step",
    action:
      'Read `redemptionStatus`: awaiting_shipment → shipped → delivered; cancel before shipment (goods) or any time before it is cancelled (coupons, vouchers, privileges).',
  },
  draw_not_found: {
    status: 404,
    title: 'No such lucky draw in this program',
    action: 'Check the id; GET /v1/draws lists the draws.',
  },
  draw_state: {
    status: 409,
    title: "The draw's status does not allow this change",
    action: 'Draft → live or retired; live ↔ paused; any → retired. A retired draw cannot come back.',
  },
  draw_unavailable: {
    status: 409,
    title: 'The lucky draw cannot be played now',
    action:
      'Read `why` (not_live or outside_window; through a lucky_draw catalogue entry, draw_not_live or draw_outside_window); GET /v1/draws/{drawId} shows its status and window.',
  },
  draw_limit_reached: {
    status: 422,
    title: 'The member reached the daily play limit of the draw',
    action: "Read `limit`, `used` and `localDay`; the limit resets at midnight in the program's timezone.",
  },
  coupon_pool_not_coupon: {
    status: 409,
    title: 'Only coupon rewards take uploaded codes',
    action:
      'Read `rewardType`; upload codes to a coupon reward (with coupon.codeSource "pool" to hand them out).',
  },
  redemption_payment_expired: {
    status: 409,
    title: 'The points + cash redemption was not paid in time',
    action:
      'The hold on the points timed out: the points, the stock and any coupon codes are back and the redemption is payment_expired. Redeem again.',
  },
  entry_owned_by_order: {
    status: 409,
    title: 'This entry belongs to an order',
    action:
      'Cancel the redemption (POST /v1/redemptions/{id}/cancel) or refund the checkout payment (POST /v1/checkout/payments/{orderId}/refunds) instead of reversing its entry.',
  },
  hold_owned_by_order: {
    status: 409,
    title: 'This hold belongs to an order',
    action:
      'Pay or cancel the redemption (POST /v1/redemptions/{id}/pay or /cancel), or capture or void the checkout payment (POST /v1/checkout/payments/{orderId}/...).',
  },
  coupon_code_source: {
    status: 409,
    title: "The coupon's code source does not allow this",
    action:
      'Read `codeSource`: codes are uploaded only to coupons with coupon.codeSource "pool"; a pool coupon switches to generated codes only once `availableCodes` is 0.',
  },
  coupon_code_not_found: {
    status: 404,
    title: 'No such coupon code in this program',
    action:
      "Check the code as the member shows it; GET /v1/redemptions?couponCode= finds the code's redemption.",
  },
  coupon_code_state: {
    status: 409,
    title: 'The coupon code cannot be used',
    action:
      'Read `why`: already_used (see `usedAt`, `usedOrderId`), voided, redemption_cancelled, not_paid (a points + cash redemption not paid yet) or not_issued. Do not accept the code.',
  },
  redemption_coupon_used: {
    status: 409,
    title: "The redemption's coupon code was already used",
    action:
      'A till accepted the code (see `usedCodes`), so the redemption cannot be cancelled and its points are not returned; settle it with the member outside Jifen if needed.',
  },
  payload_too_large: {
    status: 413,
    title: 'The request body is too large',
    action: 'Send a smaller body (see `limitBytes`), or split a batch.',
  },
  request_timeout: {
    status: 408,
    title: 'The request did not arrive in time',
    action:
      "Send the whole request (headers and body) within the server's request timeout (30 s by default); check the connection, or send less at once.",
  },
  headers_too_large: {
    status: 431,
    title: 'The request headers are too large',
    action: 'Send smaller headers (16 KiB in all at most): drop unneeded cookies or long custom headers.',
  },
  malformed_request: {
    status: 400,
    title: 'The request is not valid HTTP',
    action: 'Send a well-formed HTTP/1.1 request; this usually means a broken client or proxy.',
  },
  rate_limited: {
    status: 429,
    title: 'Too many requests',
    action:
      'Wait for the number of seconds in `Retry-After` (also `retryAfterSeconds`), then retry; read `RateLimit-Remaining` to pace requests, or ask for a higher limit on the key (`rateLimitPerMinute`).',
  },
  unsupported_media_type: {
    status: 415,
    title: 'The body must be JSON',
    action: 'Send `Content-Type: application/json`.',
  },
  insufficient_points: {
    status: 422,
    title: 'The member does not have enough available points',
    action: 'Check `availablePoints`; expired and pending points cannot be spent.',
  },
  member_frozen: {
    status: 422,
    title: 'The member is frozen and cannot spend or transfer points',
    action:
      'Set the member back to active (PUT /v1/members/{memberId} with status "active") if that is intended.',
  },
  member_blocked: {
    status: 422,
    title: 'The member is blocked and can neither earn nor spend points',
    action: 'Set the member back to active if the block was a mistake.',
  },
  entry_not_reversible: {
    status: 422,
    title: 'This kind of entry cannot be reversed',
    action:
      'Reverse the original operation instead (for a hold, void or capture it; a reversal cannot itself be reversed).',
  },
  balance_limit_exceeded: {
    status: 422,
    title: "The credit would take the member's balance past the largest amount Jifen keeps exactly",
    action: 'A balance may not exceed 9,007,199,254,740,991 points (2^53 - 1); credit less.',
  },
  capture_exceeds_hold: {
    status: 422,
    title: 'The capture is larger than the hold',
    action: 'Capture at most the held points (see `heldPoints`).',
  },
  transfer_to_self: {
    status: 422,
    title: 'A member cannot transfer points to themself',
    action: 'Choose a different recipient.',
  },
  transfer_limit_exceeded: {
    status: 422,
    title: "The transfer is outside the program's transfer limits",
    action: 'See `limit` and `limitPoints`; the limits are program settings (PATCH /v1/program).',
  },
  expiry_in_past: {
    status: 422,
    title: 'The expiry date is not in the future',
    action: 'Send an `expiresAt` later than now (and later than the end of the pending period).',
  },
  shutting_down: {
    status: 503,
    title: 'The server is shutting down',
    action:
      'Nothing of the request was done: send it again (with the same Idempotency-Key) after `Retry-After`, to this server once restarted or to another one.',
  },
  program_not_found: {
    status: 404,
    title: 'No such program in this deployment',
    action: 'List programs with GET /v1/programs (admin key) to find the id (it starts with `prg_`).',
  },
  program_archived: {
    status: 409,
    title: 'The program is archived',
    action:
      'An archived program keeps its data and answers reads and exports, but takes no writes. Write to a live program instead.',
  },
  program_has_keys: {
    status: 409,
    title: 'The program already has keys',
    action:
      "The admin key mints a program's first owner key only; further keys are made with the program's own key (POST /v1/api-keys).",
  },
  data_dir_locked: {
    status: 503,
    title: 'The embedded data directory is in use by another process',
    action: 'Stop the other Jifen process, or point --data at another directory.',
  },
  backup_invalid: {
    status: 422,
    title: 'The file is not a usable Jifen backup',
    action:
      'Check the path: `jifen restore` reads files written by `jifen backup` (they start with the line `JIFEN-BACKUP 1`). If it is one, it was damaged or cut short: use another backup.',
  },
  backup_unavailable: {
    status: 503,
    title: 'No backup could be taken of this database',
    action:
      'Read `detail`: for PostgreSQL use pg_dump; for a data directory held by a running server, check that the server is a version with a control socket and is not shutting down.',
  },
  restore_target_not_empty: {
    status: 409,
    title: 'The data directory to restore into is not empty',
    action: 'Restore into a new or empty directory, or pass --force to replace the database in it.',
  },
  checkout_currency_mismatch: {
    status: 422,
    title: "The cart's currency is not the one the program values its points in",
    action: 'Send the cart in the currency named in `programCurrency`.',
  },
  checkout_points_exceed_quote: {
    status: 422,
    title: 'More points than the checkout quote allows for this cart',
    action: 'Use at most `maxPoints` (POST /v1/checkout/quote explains the caps in `reasons`).',
  },
  checkout_points_invalid: {
    status: 422,
    title: "The points are below the program's minimum or not a multiple of its step",
    action: 'Use at least `minPoints`, in multiples of `stepPoints` (GET /v1/checkout/settings).',
  },
  checkout_order_exists: {
    status: 409,
    title: 'The order already has a checkout payment',
    action: 'Act on the existing payment (GET /v1/checkout/payments/{orderId}), or use a new order id.',
  },
  checkout_payment_not_found: {
    status: 404,
    title: 'No checkout payment for this order in this program',
    action: 'Authorize points for the order first (POST /v1/checkout/authorizations), or check the order id.',
  },
  checkout_payment_state: {
    status: 409,
    title: 'The checkout payment is not in a state that allows this',
    action:
      'See `paymentState`: only authorized payments are captured or voided, only captured ones refunded.',
  },
  checkout_refund_exceeds_payment: {
    status: 422,
    title: 'The refund is larger than what is left of the order to refund',
    action: 'Refund at most `refundableMinor`, or the quantities left in `items`.',
  },
  webhook_endpoint_not_found: {
    status: 404,
    title: 'No such webhook endpoint in this program',
    action: 'List endpoints with GET /v1/webhooks to find the id (it starts with `whk_`).',
  },
  webhook_delivery_not_found: {
    status: 404,
    title: 'No such webhook delivery in this program',
    action:
      "Check the id (it starts with `dlv_`); list an endpoint's deliveries with GET /v1/webhooks/{endpointId}/deliveries.",
  },
  webhook_limit_reached: {
    status: 409,
    title: 'The program already has the most webhook endpoints it may have',
    action:
      'Read `limit`; delete an endpoint you no longer use (DELETE /v1/webhooks/{endpointId}), or give one endpoint more types.',
  },
  webhook_endpoint_disabled: {
    status: 409,
    title: 'The webhook endpoint is disabled',
    action:
      'Enable it first (PATCH /v1/webhooks/{endpointId} with status "enabled"), then replay; a disabled endpoint is sent nothing.',
  },
  replay_range_too_large: {
    status: 400,
    title: 'Too many messages to replay at once',
    action: 'Read `limit`; replay a narrower range (from/to) or fewer types, in several requests if need be.',
  },
  inbox_message_not_found: {
    status: 404,
    title: "No such message in the member's inbox",
    action: 'Use a message id from GET /v1/members/{memberId}/inbox (it starts with `msg_`).',
  },
  console_not_built: {
    status: 503,
    title: 'The admin console has not been built',
    action:
      'Run `npm run build` (npm install runs it too) where Jifen is installed, then reload the page: it builds console/ into console/dist, which `jifen serve` serves at /console/.',
  },
  not_ready: {
    status: 503,
    title: 'The server is not ready to serve',
    action:
      'Wait and ask GET /ready again: the database did not answer in time, or migrations have not all run (`detail` says which). Keep sending traffic elsewhere meanwhile.',
  },
  import_not_found: {
    status: 404,
    title: 'No such import in this program',
    action: 'Use an import id from POST /v1/imports or GET /v1/imports (it starts with `imp_`).',
  },
  import_file_invalid: {
    status: 400,
    title: 'The file cannot be imported as this kind',
    action:
      'Read `detail`: the file is empty, has no data rows, names columns this kind does not have (rename them with a mapping), lacks a required column, or is not in the encoding given (UTF-8 by default; `gbk` for GBK). Fix the file or the options and send it again.',
  },
  import_has_errors: {
    status: 409,
    title: 'The import has rows with errors',
    action:
      'Read the import report (`errors`: line, column and what to fix). Correct the file and import it again, or commit with `skipErrors` (CLI: `--skip-errors`) to apply only the valid rows.',
  },
  import_state_conflict: {
    status: 409,
    title: 'The import is not in a state that allows this',
    action:
      'Read `state`: only a dry run may be committed (a commit cut short may be committed again), and only a committed import may be undone.',
  },
  import_points_spent: {
    status: 409,
    title: 'Points this import gave have been spent since',
    action:
      'Undo reverses every entry of the import, which would take points the members have spent. `members` names some of them; settle those members (e.g. an adjustment) before undoing, or correct the data with adjustments instead.',
  },
  import_commit_running: {
    status: 409,
    title: 'The import is being committed',
    action:
      'Its commit runs in the background (`jifen serve`), or waits to be resumed after its process stopped. Follow it with GET /v1/imports/{id} (`progress`) and undo it once it is `committed`. A second commit request answers 202 with the import as it stands instead.',
  },
  import_commit_failed: {
    status: 500,
    title: "A problem stopped the import's commit",
    action:
      "Shown as a `failed` import's `failure`, not answered to a request. What was applied stays: fix the cause named in `detail` (the database unreachable, say) and commit the import again, which resumes from where it stopped.",
  },
  invalid_credentials: {
    status: 401,
    title: 'The login or the password is wrong',
    action:
      'Check both and sign in again. The answer is the same for a login that does not exist; repeated failures lock the login (`login_locked`).',
  },
  login_locked: {
    status: 429,
    title: 'Too many failed sign-ins: the login is locked for a while',
    action:
      'Wait for the seconds in `Retry-After` (also `retryAfterSeconds`) and sign in again; an owner can reset the password meanwhile.',
  },
  totp_required: {
    status: 401,
    title: 'This login needs its second factor',
    action: 'Send the same request again with `totp`: the 6-digit code of the authenticator app.',
  },
  invalid_totp: {
    status: 401,
    title: 'The second-factor code is wrong, too old or used already',
    action: 'Wait for the next code of the authenticator app and send it; check the device clock.',
  },
  session_expired: {
    status: 401,
    title: 'The session has expired',
    action:
      'Sign in again (POST /v1/auth/login). Sessions end after their idle time or their absolute lifetime (docs/security.md).',
  },
  session_revoked: {
    status: 401,
    title: 'The session was ended',
    action:
      'Sign in again. Sessions end at logout, refresh and program switch, and when the staff member is disabled, their role or stores change, or their password changes.',
  },
  csrf_token_invalid: {
    status: 403,
    title: 'The CSRF token is missing or wrong',
    action:
      'With a cookie session, send the value of the `jifen_csrf` cookie (also `csrfToken` of the sign-in answer) in the `X-CSRF-Token` header of every request that is not a GET.',
  },
  permission_denied: {
    status: 403,
    title: 'Your role lacks a permission this operation needs',
    action:
      'The permission is in `requiredPermission`; ask an owner for a role that holds it (docs/security.md lists the roles).',
  },
  staff_session_required: {
    status: 403,
    title: 'This operation is for a signed-in staff member',
    action: 'Sign in with POST /v1/auth/login and use the session (cookie or bearer token), not an API key.',
  },
  store_mismatch: {
    status: 403,
    title: 'You may act only at your own stores',
    action: 'Name one of the stores in `storeIds` in `store`, or leave it out when you work at one store.',
  },
  store_required: {
    status: 400,
    title: 'Name the store this is done at',
    action: 'You work at several stores (`storeIds`): say which in `store`.',
  },
  approval_not_found: {
    status: 404,
    title: 'No such approval request',
    action: 'Check the id (GET /v1/approvals lists the requests of the program).',
  },
  approval_own_request: {
    status: 403,
    title: 'You cannot decide your own request',
    action:
      'A different staff member who holds `approvals:decide` approves or rejects it; you may cancel it.',
  },
  approval_not_pending: {
    status: 409,
    title: 'The request was already decided',
    action:
      'Its status is in `approvalStatus` (also GET /v1/approvals/{approvalId}); a decided request is never executed again.',
  },
  approval_expired: {
    status: 409,
    title: 'The request expired without a decision',
    action: 'Ask again: send the original request once more (with a new Idempotency-Key).',
  },
  approval_not_maker: {
    status: 403,
    title: 'Only the maker can cancel a request',
    action: 'A checker rejects it instead (POST /v1/approvals/{approvalId}/reject with a comment).',
  },
  approval_maker_not_allowed: {
    status: 403,
    title: 'The maker may no longer do what they asked',
    action:
      'The maker was disabled, their key revoked or their role changed since they asked: nothing was executed. Someone allowed to do it asks again.',
  },
  not_staff_of_program: {
    status: 403,
    title: 'You are not active staff of that program',
    action: 'Choose one of the programs in `programs`, or ask an owner of the program to add you.',
  },
  staff_not_found: {
    status: 404,
    title: 'No such staff member',
    action: "Check the id (GET /v1/staff lists the program's staff).",
  },
  staff_exists: {
    status: 409,
    title: 'This login is already staff of the program',
    action: 'Change the staff member with PATCH /v1/staff/{staffId} instead.',
  },
  staff_login_exists: {
    status: 409,
    title: 'This login already has a password',
    action:
      'The person is staff of another program and signs in with their own password: add them again without `password`.',
  },
  password_required: {
    status: 400,
    title: 'A new login needs a password',
    action: 'Send `password` (at least 10 characters) for a login that signs in for the first time.',
  },
  password_reset_not_allowed: {
    status: 409,
    title: "This person's password is not the program's to reset",
    action:
      'The person is staff of several programs: they change their own password (POST /v1/auth/password), or the deployment operator resets it with `jifen staff password`.',
  },
  last_owner: {
    status: 409,
    title: 'The program would have no active owner',
    action: 'Make another staff member owner first.',
  },
  role_not_found: {
    status: 404,
    title: 'No such role',
    action:
      'Use a built-in role (owner, admin, operator, customer_service, finance, auditor, store_clerk) or a custom role id from GET /v1/roles.',
  },
  role_exists: {
    status: 409,
    title: 'The program already has a role of that name',
    action: 'Choose another name, or change the role that has it.',
  },
  role_built_in: {
    status: 409,
    title: 'Built-in roles cannot be changed',
    action: 'Make a custom role (POST /v1/roles) with the permissions you want.',
  },
  role_in_use: {
    status: 409,
    title: 'Staff still hold this role',
    action: 'Give those staff members another role first (`staffCount` says how many).',
  },
  segment_not_found: {
    status: 404,
    title: 'No such segment in this program',
    action: 'List segments with GET /v1/segments to find the id.',
  },
  segment_exists: {
    status: 409,
    title: 'The program already has a segment with that id',
    action: 'Choose another id, or change the segment that has it (PATCH /v1/segments/{segmentId}).',
  },
  segment_built_in: {
    status: 409,
    title: 'Lifecycle stages cannot be changed or archived',
    action: 'Change their thresholds with PUT /v1/segment-settings, or define a segment of your own.',
  },
  segment_archived: {
    status: 409,
    title: 'The segment is archived',
    action: 'Define a new segment (POST /v1/segments); an archived one keeps its history only.',
  },
  segment_in_use: {
    status: 409,
    title: 'Other segments refer to this segment',
    action: 'Change the segments named in `referencedBy` so they no longer use it, then archive it.',
  },
  segments_busy: {
    status: 409,
    title: 'Another server is computing this program’s segments',
    action:
      'Try again in a little while. What changed since that computation began is computed after it (the program stays due).',
  },
  totp_already_enabled: {
    status: 409,
    title: 'The second factor is already on',
    action: 'Turn it off first (DELETE /v1/auth/totp with a current code) to enrol a new device.',
  },
  totp_not_enrolled: {
    status: 409,
    title: 'No second factor is being enrolled or on',
    action: 'Start with POST /v1/auth/totp, then confirm with a code.',
  },
  member_already_erased: {
    status: 409,
    title: "The member's personal data was already erased",
    action:
      'Nothing was done: `erasedAt` says when the erasure was. Personal data stored for the member since then is cleared with PUT (null clears a field).',
  },
  erasure_blocked: {
    status: 409,
    title: "The member's personal data is still needed for an order",
    action:
      'A redemption awaits shipment (or payment) to the shipping address: ship or cancel it first (`redemptions` names them), then erase.',
  },
  vault_locked: {
    status: 503,
    title: 'Personal data cannot be encrypted or read: the master key is missing or wrong',
    action:
      "The server's operator must give it the master key this database was made with (JIFEN_MASTER_KEY, or the embedded database's key file; see docs/privacy.md) and restart it; the server log names the key expected. Nothing was changed.",
  },
  internal_error: {
    status: 500,
    title: 'Something went wrong inside Jifen',
    action: 'Retry with the same Idempotency-Key; if it persists, report it with the `instance` value.',
  },
} as const satisfies Record<string, { status: number; title: string; action: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;
