/*
 * The console's message catalog: every detail text, next step, notice and validation message
 * in Chinese and English, looked up by a key (an enum, so a page cannot name a key that does
 * not exist) in the viewer's language. Headings keep the drawn "中文 / English" pairs; a
 * viewer with no known language (no Accept-Language, no choice of their own) gets both, in
 * that style. Messages may hold "{}" slots filled (escaped) by widget_msgf().
 *
 * The language comes from the viewer's own choice (users.lang, chosen in the layout's switch
 * or on /settings), else from the request's Accept-Language (zh-* or en-*, by weight).
 */
#ifndef AICOS_WEB_MSG_H
#define AICOS_WEB_MSG_H

#include <stdbool.h>

enum web_lang {
    WEB_LANG_BOTH = 0, /* "中文 / English" */
    WEB_LANG_ZH,
    WEB_LANG_EN,
};

enum web_msg_id {
    /* error pages: what to do next */
    MSG_ERR_400_NEXT,
    MSG_ERR_401_NEXT,
    MSG_ERR_403_NEXT,
    MSG_ERR_404_NEXT,
    MSG_ERR_405_NEXT,
    MSG_ERR_409_NEXT,
    MSG_ERR_413_NEXT,
    MSG_ERR_414_NEXT,
    MSG_ERR_415_NEXT,
    MSG_ERR_422_NEXT,
    MSG_ERR_429_NEXT,
    MSG_ERR_431_NEXT,
    MSG_ERR_500_NEXT,
    MSG_ERR_502_NEXT,
    MSG_ERR_503_NEXT,
    MSG_ERR_CSRF_NEXT,
    MSG_ERR_CALLBACK_DENIED,
    MSG_ERR_CALLBACK_FAILED,
    MSG_ERR_REQUEST_ID,
    MSG_ERR_BACK,
    MSG_NOTHING_STORED,
    /* validation and refusals, by the domain's error code (web_msg_for_code) */
    MSG_V_BAD_FIELD,
    MSG_V_NOT_CLEARED,
    MSG_V_ALREADY_SIGNED_OFF,
    MSG_V_NO_SIGN_OFF,
    MSG_V_TOO_LONG,
    MSG_V_REQUIRED,
    MSG_V_FORBIDDEN,
    MSG_V_BAD_TIME_ZONE,
    MSG_V_UNKNOWN_TIME_ZONE,
    MSG_V_BAD_LANGUAGE,
    MSG_V_NOT_FOUND,
    MSG_V_CONFLICT,
    /* notices after a form */
    MSG_N_SIGNOFF_RECORDED,
    MSG_N_SIGNOFF_REVOKED,
    MSG_N_PREFLIGHT_DONE,
    MSG_N_DNS_DONE,
    MSG_N_TOKEN_STORED,
    MSG_N_SESSION_CANCELLED,
    MSG_N_TOKEN_VALID,
    MSG_N_CONNECTED,
    MSG_N_REAUTHORIZED,
    MSG_N_STORED_ENCRYPTED,
    MSG_N_PREFS_SAVED,
    MSG_N_SETTINGS_SAVED,
    /* the Integrations first screen */
    MSG_I_LEAD,
    MSG_I_REGISTRY_LEAD,
    MSG_I_PROGRESS_LEAD,
    MSG_I_DEV_WORKS,
    MSG_I_DEV_CONNECTED_NO_DATA,
    MSG_I_DEV_NONE,
    MSG_I_NOW_YOU,
    MSG_I_NOW_OTHER,
    MSG_I_NOW_NOBODY,
    MSG_I_RECOMMENDED_DEV,
    MSG_I_RECOMMENDED_FORMAL,
    MSG_I_RECOMMENDED_ASK,
    MSG_I_DEPLOY_SUMMARY,
    MSG_I_DEPLOY_LINK,
    MSG_I_DEPLOY_UNREADABLE,
    MSG_I_TOKEN_DAYS,
    MSG_I_NO_BLOCKER,
    MSG_I_NEXT_NONE,
    /* widgets */
    MSG_W_PAGER,
    MSG_W_PAGER_MORE,
    MSG_W_PAGER_MORE_ONLY,
    MSG_W_PAGER_TOTAL,
    MSG_W_STREAM_NOT_RUN,
    MSG_W_STREAM_LAST,
    MSG_W_AGO_MIN,
    MSG_W_AGO_HOUR,
    MSG_W_AGO_DAY,
    MSG_W_IN_FUTURE,
    MSG_W_JUST_NOW,
    MSG_W_NONE,
    /* settings and preferences */
    MSG_S_LEAD,
    MSG_S_PREFS_LEAD,
    MSG_S_LANG_AUTO,
    MSG_S_TZ_HINT,
    MSG_S_ADMIN_ONLY,
    MSG_S_NOTIFY_NONE,
    /* the dashboard */
    MSG_D_LEAD,
    MSG_D_NO_ORDERS,
    MSG_D_ON_TIME,
    MSG_D_SETTLED_NONE,
    MSG_D_MONEY_NONE,
    /* page leads, empty states and notices of the data and team pages */
    MSG_P_CASES_PAGE_1,
    MSG_P_CASES_FILTERED,
    MSG_P_CASES_PAGE_2,
    MSG_P_ORDER_PAGE_3,
    MSG_P_ORDER_PAGE_4,
    MSG_P_ORDER_PAGE_5,
    MSG_P_ORDERS_PAGE_6,
    MSG_P_ORDERS_PAGE_7,
    MSG_P_PRODUCTS_PAGE_8,
    MSG_P_PRODUCTS_PAGE_9,
    MSG_P_PRODUCTS_PAGE_10,
    MSG_P_PRODUCTS_PAGE_11,
    MSG_P_RECORDS_PAGE_12,
    MSG_P_RECORDS_PAGE_13,
    MSG_P_RECORDS_PAGE_14,
    MSG_P_RECORDS_PAGE_15,
    MSG_P_RECORDS_PAGE_16,
    MSG_P_SHIPMENT_FORM_17,
    MSG_P_SYNC_PAGE_18,
    MSG_P_SYNC_PAGE_19,
    MSG_P_SYNC_PAGE_20,
    MSG_P_TEAM_PAGE_21,
    MSG_P_TEAM_PAGE_22,
    MSG_P_TEAM_PAGE_23,
    /* the order page */
    MSG_O_NO_CASES,
    MSG_O_CASES_UNREADABLE,
    MSG_O_AMOUNTS_LEAD,
    MSG_O_AMOUNTS_BUTTON,
    MSG_O_MONEY_NONE,
    MSG_O_MONEY_PAID,
    MSG_O_MONEY_SETTLE,
    MSG_O_MONEY_FETCHED,
    MSG_N_AMOUNTS_READ,
    /* the editable settings */
    MSG_S_SYNC_LEAD,
    MSG_S_DEFAULT,
    MSG_S_STORED,
    MSG_S_SHOPS_LEAD,
    MSG_S_SHOPS_NONE,
    MSG_S_ALERTS_LINK,
    MSG_S_READ_ONLY,
    MSG_N_SETTINGS_UNCHANGED,
    MSG_N_SHOP_RENAMED,
    MSG_V_BAD_SETTING,
    MSG_V_BAD_SHOP_NAME,
    MSG_V_AMOUNT_NOT_GRANTED,
    MSG_W_STALE,
    /* the Integrations workbench, its launch gates and its forms' refusals */
    MSG_WB_LEAD,
    MSG_WB_SESSION_NOTE,
    MSG_WB_LAUNCH_CLOSED,
    MSG_WB_LAUNCH_WAITS,
    MSG_WB_LAUNCH_NOTE,
    MSG_WB_NEEDS_SELLER_ADMIN,
    MSG_WB_NEEDS_OPS,
    MSG_WB_DEV_NOTE,
    MSG_WB_DEV_REFUSED,
    MSG_WB_NO_SESSIONS,
    MSG_WB_NO_CONNECTIONS,
    MSG_WB_MANUAL_NOTE,
    MSG_WB_VAULT_NOTE,
    MSG_WB_DAYS_LEFT,
    MSG_WB_DEV,
    MSG_WB_PRODUCTION,
    MSG_G_APP_CREDENTIALS,
    MSG_G_PUBLIC_CALLBACK,
    MSG_G_PRODUCTION_ENV,
    MSG_G_PREFLIGHT,
    MSG_G_SECURITY,
    MSG_V_BAD_ACCESS_TOKEN,
    MSG_V_BAD_REGION,
    MSG_V_REGION_MISMATCH,
    MSG_V_CREDENTIALS_MISSING,
    MSG_V_TEMU_VERIFY_FAILED,
    MSG_V_GATES_CLOSED,
    MSG_V_DEV_REFUSED,
    MSG_V_SESSION_NOT_OPEN,
    MSG_V_SESSION_NOT_FOUND,
    MSG_V_DIFFERENT_SHOP,
    MSG_V_STATE_INVALID,
    MSG_V_AUTHORIZATION_DENIED,
    MSG_V_VAULT_UNAVAILABLE,
    MSG_V_MANUAL_ONLY,
    /* the Integrations progress steps: what to do next, by step key (web_msg_for_step) */
    MSG_STEP_APP_CREDENTIALS,
    MSG_STEP_PUBLIC_CALLBACK_URL,
    MSG_STEP_DNS,
    MSG_STEP_PRODUCTION_ENV,
    MSG_STEP_DEPLOYMENT_PREFLIGHT,
    MSG_STEP_CALLBACK_REACHABLE,
    MSG_STEP_SELLER_AUTHORIZATION,
    MSG_STEP_FIRST_SYNC,
    MSG_STEP_GENERAL,
    MSG_COUNT
};

struct web_msg {
    const char *key; /* "err.404.next": shown nowhere, for tests and logs */
    const char *zh, *en;
};

/* The entry of id (NULL for an id out of range). */
const struct web_msg *web_msg_at(unsigned id);

/* The text of id in lang; for WEB_LANG_BOTH the Chinese text (callers that can write both
 * use widget_msg). Never NULL: an id out of range gives "". */
const char *web_msg(enum web_lang lang, enum web_msg_id id);

/* The catalog entry for a domain error code ("bad_field", "forbidden", ...), or -1. */
int web_msg_for_code(const char *code);

/* The catalog entry for a progress step's next action ("first_sync", "dns", ...), or -1. */
int web_msg_for_step(const char *step);

/* The catalog entry for a launch gate's next step ("app_credentials", "security", ...), or -1. */
int web_msg_for_gate(const char *gate);

/* The language an Accept-Language header asks for (zh or en by weight; BOTH for neither). */
enum web_lang web_lang_from_accept(const char *header);

/* "zh" / "en" as a choice; "" is "follow the browser" (BOTH); false for anything else. */
bool web_lang_parse(const char *s, enum web_lang *out);

#endif
