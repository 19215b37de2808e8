#include "web/msg.h"

#include <string.h>

#define M(id, key, zh, en) [id] = {key, zh, en}

static const struct web_msg web_msgs[MSG_COUNT] = {
    M(MSG_ERR_400_NEXT, "err.400.next", "请返回上一页重新填写后再提交。",
      "Go back, correct the form and send it again."),
    M(MSG_ERR_401_NEXT, "err.401.next", "请登录后再打开此页面。",
      "Sign in, then open this page again."),
    M(MSG_ERR_403_NEXT, "err.403.next",
      "您的角色不能执行此操作。请联系卖家管理员(seller_admin)调整您的角色,或返回首页。",
      "Your role cannot do this. Ask a seller admin to change your role, or go back to the "
      "console."),
    M(MSG_ERR_404_NEXT, "err.404.next", "请检查网址,或从导航进入需要的页面。",
      "Check the address, or pick the page from the navigation above."),
    M(MSG_ERR_405_NEXT, "err.405.next", "此地址不接受这种请求;请从页面上的按钮或链接进入。",
      "This address does not take this kind of request; use the page's own buttons and links."),
    M(MSG_ERR_409_NEXT, "err.409.next", "数据已被其他操作修改;请刷新页面后再试。",
      "Something changed meanwhile; reload the page and try again."),
    M(MSG_ERR_413_NEXT, "err.413.next", "提交的内容超过了上限;请缩短后再提交。",
      "What was sent is larger than the limit; send less."),
    M(MSG_ERR_414_NEXT, "err.414.next", "网址超过 2048 字节;请缩短搜索内容后再试。",
      "The address is longer than 2048 bytes; shorten the search and try again."),
    M(MSG_ERR_415_NEXT, "err.415.next", "请使用页面上的表单提交。",
      "Send it with the page's own form."),
    M(MSG_ERR_422_NEXT, "err.422.next", "提交的值未通过检查(见下方说明);请更正后再提交。",
      "A value did not pass the checks (see below); correct it and send it again."),
    M(MSG_ERR_429_NEXT, "err.429.next", "请稍候片刻再试。", "Wait a moment and try again."),
    M(MSG_ERR_431_NEXT, "err.431.next", "请清除此站点的 Cookie 后重试。",
      "Clear this site's cookies and try again."),
    M(MSG_ERR_500_NEXT, "err.500.next", "这不是您的错误;请稍后重试,并把下面的请求编号告诉管理员。",
      "This is not your mistake; try again later and give an administrator the request id "
      "below."),
    M(MSG_ERR_502_NEXT, "err.502.next", "Temu 或其他外部服务未正常响应;请稍后重试。",
      "Temu or another outside service did not answer properly; try again later."),
    M(MSG_ERR_503_NEXT, "err.503.next", "服务器正忙或正在维护;请稍后重试。",
      "The server is busy or in maintenance; try again shortly."),
    M(MSG_ERR_CSRF_NEXT, "err.csrf.next",
      "表单已过期或来自其他网站,未执行任何操作。请重新打开页面后再提交。",
      "The form was stale or came from another site, so nothing was done. Open the page again "
      "and send the form from there."),
    M(MSG_ERR_CALLBACK_DENIED, "err.callback.denied",
      "店铺授权在卖家中心被拒绝,未保存任何内容。如需连接,请在“平台集成”页重新发起授权,并在卖家中"
      "心点击同意。",
      "The authorization was declined in Seller Center; nothing was stored. To connect the "
      "shop, start a new authorization on Integrations and approve it in Seller Center."),
    M(MSG_ERR_CALLBACK_FAILED, "err.callback.failed",
      "授权未完成,未保存任何内容。授权链接只能使用一次且会过期;请在“平台集成”页重新发起授权。",
      "The authorization did not complete and nothing was stored. An authorization link works "
      "once and expires; start a new one on Integrations."),
    M(MSG_ERR_REQUEST_ID, "err.request_id", "请求编号", "Request id"),
    M(MSG_ERR_BACK, "err.back", "返回控制台", "Back to the console"),
    M(MSG_NOTHING_STORED, "err.nothing_stored", "未保存任何内容。", "Nothing was stored."),
    M(MSG_V_BAD_FIELD, "v.bad_field", "有一个字段的值不正确;请检查后再提交。",
      "A field has a value that is not accepted; check it and send again."),
    M(MSG_V_NOT_CLEARED, "v.not_cleared", "大陆托管需要域名、托管、数据和合规四项全部确认。",
      "The mainland China path needs domain, hosting, data and compliance all cleared."),
    M(MSG_V_ALREADY_SIGNED_OFF, "v.already_signed_off", "大陆签核已存在;请先撤销再重新记录。",
      "The mainland China path is already signed off; revoke that sign-off first."),
    M(MSG_V_NO_SIGN_OFF, "v.no_sign_off", "当前没有生效的大陆签核,无需撤销。",
      "No mainland China sign-off is in force, so there is nothing to revoke."),
    M(MSG_V_TOO_LONG, "v.too_long", "输入内容过长;请缩短后再提交。",
      "A value is longer than allowed; shorten it and send again."),
    M(MSG_V_REQUIRED, "v.required", "缺少必填项;请填写后再提交。",
      "A required field is missing; fill it in and send again."),
    M(MSG_V_FORBIDDEN, "v.forbidden", "您的角色不能执行此操作;请联系卖家管理员。",
      "Your role cannot do this; ask a seller admin."),
    M(MSG_V_BAD_TIME_ZONE, "v.bad_time_zone", "时区应为 UTC 或 Asia/Shanghai 这样的名称。",
      "A time zone is a name such as UTC or Asia/Shanghai."),
    M(MSG_V_UNKNOWN_TIME_ZONE, "v.unknown_time_zone", "时区数据库中没有这个时区。",
      "That time zone is not in the tz database."),
    M(MSG_V_BAD_LANGUAGE, "v.bad_language", "语言只能是中文、English 或跟随浏览器。",
      "The language is Chinese, English or the browser's choice."),
    M(MSG_V_NOT_FOUND, "v.not_found", "找不到该项目;它可能已被删除。",
      "That item was not found; it may have been removed."),
    M(MSG_V_CONFLICT, "v.conflict", "数据已被其他操作修改;请刷新后再试。",
      "Something changed meanwhile; reload and try again."),
    M(MSG_N_SIGNOFF_RECORDED, "n.signoff_recorded", "大陆签核已记录。",
      "The mainland China sign-off was recorded."),
    M(MSG_N_SIGNOFF_REVOKED, "n.signoff_revoked", "大陆签核已撤销。",
      "The mainland China sign-off was revoked."),
    M(MSG_N_PREFLIGHT_DONE, "n.preflight_done", "预检已重新运行。", "The preflight ran again."),
    M(MSG_N_DNS_DONE, "n.dns_done", "DNS 已重新检查。", "DNS was checked again."),
    M(MSG_N_TOKEN_STORED, "n.token_stored", "令牌已用 info.get 验证并保存。",
      "The pasted token was verified with info.get and stored."),
    M(MSG_N_SESSION_CANCELLED, "n.session_cancelled", "授权会话已取消。",
      "The authorization session was cancelled."),
    M(MSG_N_TOKEN_VALID, "n.token_valid", "令牌有效,刚刚已向 Temu 验证。",
      "The token was verified with Temu just now."),
    M(MSG_N_CONNECTED, "n.connected", "授权成功,店铺已连接(令牌已验证并加密保存)。",
      "Authorization complete: the shop is connected (token verified and stored encrypted)."),
    M(MSG_N_REAUTHORIZED, "n.reauthorized", "同一连接已重新授权,历史已保留。",
      "The same connection was re-authorized; its history is kept."),
    M(MSG_N_STORED_ENCRYPTED, "n.stored_encrypted", "令牌已验证并加密保存。",
      "The token was verified and stored encrypted."),
    M(MSG_N_PREFS_SAVED, "n.prefs_saved", "您的语言和时区已保存。",
      "Your language and time zone were saved."),
    M(MSG_N_SETTINGS_SAVED, "n.settings_saved", "设置已保存并记入审计日志。",
      "The settings were saved and written to the audit log."),
    M(MSG_I_LEAD, "i.lead", "Temu、物流、支付和后续外部系统的接入状态。",
      "Connection status of Temu, logistics, payments and future external systems."),
    M(MSG_I_REGISTRY_LEAD, "i.registry_lead", "每个外部系统一行,状态由真实数据计算。",
      "One row per external system; statuses are computed from real state."),
    M(MSG_I_PROGRESS_LEAD, "i.progress_lead",
      "自动判断当前离连接正式账号还有多远;开发(沙箱)连接不计入此进度。",
      "Computed from real state: how far the company is from a working production Temu "
      "connection. A development (sandbox) connection does not count here."),
    M(MSG_I_DEV_WORKS, "i.dev_works", "开发连接可用:沙箱店铺已连接,数据已同步。",
      "The development connection works: the sandbox shop is connected and data has synced."),
    M(MSG_I_DEV_CONNECTED_NO_DATA, "i.dev_no_data",
      "开发连接已建立,但尚未同步数据;请到“同步”页运行一次。",
      "The development connection is set up but nothing has synced yet; run a sync on the Sync "
      "page."),
    M(MSG_I_DEV_NONE, "i.dev_none", "还没有开发连接;可以先用沙箱店铺试用全部功能。",
      "No development connection yet; a sandbox shop lets you try everything first."),
    M(MSG_I_NOW_YOU, "i.now_you", "现在需要您({})处理:", "You ({}) must act now:"),
    M(MSG_I_NOW_OTHER, "i.now_other",
      "现在需要 {} 处理(不是您):", "The {} role must act now (not you):"),
    M(MSG_I_NOW_NOBODY, "i.now_nobody", "目前无需任何人介入。", "Nobody needs to act right now."),
    M(MSG_I_RECOMMENDED_DEV, "i.rec_dev", "推荐:连接沙箱店铺(在此环境中可用)",
      "Recommended: connect a sandbox shop (works in this environment)"),
    M(MSG_I_RECOMMENDED_FORMAL, "i.rec_formal", "推荐:开始正式店铺授权",
      "Recommended: start the formal shop authorization"),
    M(MSG_I_RECOMMENDED_ASK, "i.rec_ask", "此步骤需要 {} 角色;请联系对应同事。",
      "This step needs the {} role; ask a colleague who has it."),
    M(MSG_I_DEPLOY_SUMMARY, "i.deploy_summary", "公网回调部署:{} 项通过,{} 项待处理。",
      "Public callback deployment: {} checks pass, {} to do."),
    M(MSG_I_DEPLOY_LINK, "i.deploy_link", "打开部署手册", "Open the deployment runbook"),
    M(MSG_I_DEPLOY_UNREADABLE, "i.deploy_unreadable", "部署计划暂不可用。",
      "The deployment planner section could not be read."),
    M(MSG_I_TOKEN_DAYS, "i.token_days", "令牌 {} 天", "token {} d"),
    M(MSG_I_NO_BLOCKER, "i.no_blocker", "无", "none"),
    M(MSG_I_NEXT_NONE, "i.next_none", "没有待办的下一步。", "No next step is left."),
    M(MSG_W_PAGER, "w.pager", "第 {} / {} 页 · 共 {} {}", "Page {} of {} · {} {}"),
    M(MSG_W_PAGER_MORE, "w.pager_more", "第 {} 页 · 超过 {} {}", "Page {} · more than {} {}"),
    M(MSG_W_PAGER_MORE_ONLY, "w.pager_more_only", "超过 {} {}", "more than {} {}"),
    M(MSG_W_PAGER_TOTAL, "w.pager_total", "共 {} {}", "{} {}"),
    M(MSG_W_STREAM_NOT_RUN, "w.stream_not_run", "同步流“{}”尚未运行。",
      "The {} stream has not run yet."),
    M(MSG_W_STREAM_LAST, "w.stream_last",
      "连接 {} · {} 最近成功:", "Connection {} · {} last success:"),
    M(MSG_W_AGO_MIN, "w.ago_min", "{} 分钟前", "{} min ago"),
    M(MSG_W_AGO_HOUR, "w.ago_hour", "{} 小时前", "{} h ago"),
    M(MSG_W_AGO_DAY, "w.ago_day", "{} 天前", "{} d ago"),
    M(MSG_W_IN_FUTURE, "w.in_future", "{} 后", "in {}"),
    M(MSG_W_JUST_NOW, "w.just_now", "刚刚", "just now"),
    M(MSG_W_NONE, "w.none", "无", "none"),
    M(MSG_S_LEAD, "s.lead", "同步间隔、提醒阈值和通知对象;修改会记入审计日志。",
      "Sync intervals, alert thresholds and notification targets; every change is audited."),
    M(MSG_S_PREFS_LEAD, "s.prefs_lead", "只影响您自己看到的语言和时间。",
      "Only changes the language and times you see."),
    M(MSG_S_LANG_AUTO, "s.lang_auto", "跟随浏览器", "Follow the browser"),
    M(MSG_S_TZ_HINT, "s.tz_hint", "例如 UTC、Asia/Shanghai、America/Los_Angeles。",
      "For example UTC, Asia/Shanghai, America/Los_Angeles."),
    M(MSG_S_ADMIN_ONLY, "s.admin_only", "只有卖家管理员(seller_admin)可以修改这些设置。",
      "Only a seller admin can change these settings."),
    M(MSG_S_NOTIFY_NONE, "s.notify_none", "未设置通知对象。", "No notification target is set."),
    M(MSG_D_LEAD, "d.lead", "最近 14 天的订单、金额、准时发货和售后;按店铺或全部店铺查看。",
      "Orders, revenue, on-time shipping and cases for the last 14 days, per shop or for all "
      "shops."),
    M(MSG_D_NO_ORDERS, "d.no_orders", "这段时间没有订单。", "No orders in this period."),
    M(MSG_D_ON_TIME, "d.on_time", "{}% 准时发货({} / {})", "{}% shipped on time ({} of {})"),
    M(MSG_D_SETTLED_NONE, "d.settled_none",
      "金额来自 Temu 的订单金额接口;已结算与应结算的对账在结算页(导入结算报表后):",
      "Values come from Temu's order amount API; settled versus expected money is reconciled on "
      "the settlements page (once statements are imported):"),
    M(MSG_D_MONEY_NONE, "d.money_none", "这段时间的订单还没有金额:在订单页点“读取订单金额”。",
      "No order of this period has a value yet: use Fetch order values on the Orders page."),
    M(MSG_P_CASES_PAGE_1, "cases_page.1",
      "尚无买家请求:尚未同步到任何售后请求,已同步的订单也没有买家发起的标签。",
      "No buyer cases are stored: no after-sales request has been synced and no synced order "
      "carries a buyer-initiated label."),
    M(MSG_P_CASES_FILTERED, "cases_page.filtered", "没有符合筛选条件的买家请求。",
      "No buyer case matches the filters."),
    M(MSG_P_CASES_PAGE_2, "cases_page.2",
      "买家发起的售后、取消和改地址请求,按更新时间倒序,附意图分类。",
      "Buyer-initiated after-sales, cancellation and address-change requests, newest first, "
      "each with its intent."),
    M(MSG_P_ORDER_PAGE_3, "order_page.3", "没有子订单", "No sub-orders stored."),
    M(MSG_P_ORDER_PAGE_4, "order_page.4", "尚无状态记录",
      "No status has been recorded for this order yet."),
    M(MSG_P_ORDER_PAGE_5, "order_page.5", "未找到该订单", "No such order has been synced."),
    M(MSG_P_ORDERS_PAGE_6, "orders_page.6", "没有符合条件的订单", "No orders match these filters."),
    M(MSG_P_ORDERS_PAGE_7, "orders_page.7", "已同步的 Temu 订单,按更新时间倒序。",
      "Synced Temu orders, newest update first."),
    M(MSG_P_PRODUCTS_PAGE_8, "products_page.8", "没有符合条件的商品",
      "No products match these filters."),
    M(MSG_P_PRODUCTS_PAGE_9, "products_page.9", "商品流已同步,店铺没有商品",
      "The products stream has synced: the shop has no products."),
    M(MSG_P_PRODUCTS_PAGE_10, "products_page.10", "商品流尚未同步,这里没有商品数据。",
      "The products stream is not synced yet: no product data is shown here, and this page shows "
      "none rather than guess."),
    M(MSG_P_PRODUCTS_PAGE_11, "products_page.11", "店铺商品及其 SKU(bg.local.goods.list.query)。",
      "The shop's products with their SKUs (bg.local.goods.list.query)."),
    M(MSG_P_RECORDS_PAGE_12, "records_page.12", "没有符合条件的记录",
      "No entries match these filters."),
    M(MSG_P_RECORDS_PAGE_13, "records_page.13", "还没有保存任何机密", "No secrets are stored yet."),
    M(MSG_P_RECORDS_PAGE_14, "records_page.14", "谁在何时做了什么,最新的在前;只能追加。",
      "Who did what and when, newest first; append-only."),
    M(MSG_P_RECORDS_PAGE_15, "records_page.15", "保险库中的机密:只显示名称、密钥和遮盖后的值。",
      "The vault's secrets: names, key ids and masked values only; no value is ever shown."),
    M(MSG_P_RECORDS_PAGE_16, "records_page.16", "未配置主密钥,因此无法保存或显示机密",
      "No master key is configured (AICOS_MASTER_KEY_FILE), so no secrets can be stored or shown."),
    M(MSG_P_SHIPMENT_FORM_17, "shipment_form.17", "尚未上传运单",
      "No tracking number uploaded yet."),
    M(MSG_P_SYNC_PAGE_18, "sync_page.18", "还没有任何同步流运行过", "No stream has run yet."),
    M(MSG_P_SYNC_PAGE_19, "sync_page.19", "还没有同步记录", "No sync has run yet."),
    M(MSG_P_SYNC_PAGE_20, "sync_page.20", "每个店铺每个数据流的同步状态和运行记录。",
      "Each shop's streams: state and run history, with their errors."),
    M(MSG_P_TEAM_PAGE_21, "team_page.21", "还没有令牌", "No tokens yet."),
    M(MSG_P_TEAM_PAGE_22, "team_page.22", "谁可以登录控制台以及他们的角色。",
      "Who can sign in to the console, and their roles: viewer, operator, ops, seller_admin (least "
      "to most)."),
    M(MSG_P_TEAM_PAGE_23, "team_page.23", "脚本和集成用的令牌;只保存哈希,值只在创建时显示一次。",
      "Tokens for scripts and integrations: only a hash is kept, the value is shown once when "
      "created."),
    M(MSG_O_NO_CASES, "o.no_cases", "这个订单没有买家请求。", "No buyer case for this order."),
    M(MSG_O_CASES_UNREADABLE, "o.cases_unreadable", "暂时无法读取买家请求。",
      "The buyer cases could not be read just now."),
    M(MSG_O_AMOUNTS_LEAD, "o.amounts_lead",
      "金额来自 Temu 的订单金额接口(temu.order.amount.v2.query,需 Temu 授予敏感权限);每次最多读取"
      "100 个尚无金额的订单(最新的在前)。",
      "Values come from Temu's order amount API (temu.order.amount.v2.query, a sensitive API "
      "Temu must grant); each read fetches up to 100 orders that have none yet, newest first."),
    M(MSG_O_AMOUNTS_BUTTON, "o.amounts_button", "读取订单金额", "Fetch order values"),
    M(MSG_O_MONEY_NONE, "o.money_none", "尚未从 Temu 读取此订单的金额(订单页的“读取订单金额”)。",
      "This order's value has not been read from Temu yet (Orders page: Fetch order values)."),
    M(MSG_O_MONEY_PAID, "o.money_paid", "买家实付", "Buyer paid"),
    M(MSG_O_MONEY_SETTLE, "o.money_settle", "预计结算", "Estimated settlement"),
    M(MSG_O_MONEY_FETCHED, "o.money_fetched", "读取于", "Read from Temu"),
    M(MSG_N_AMOUNTS_READ, "n.amounts_read",
      "已向 Temu 查询 {} 个订单的金额:保存 {} 个,失败 {} 个。",
      "Asked Temu for {} order value(s): {} stored, {} failed."),
    M(MSG_S_SYNC_LEAD, "s.sync_lead",
      "同步间隔和控制台阈值对所有用户生效;调度器在下一轮(几秒内)采用,无需重启。需要 ops 角色。",
      "Sync intervals and console thresholds apply to everyone; the scheduler uses them from its "
      "next tick (within seconds), no restart. Needs the ops role."),
    M(MSG_S_DEFAULT, "s.default", "默认", "default"),
    M(MSG_S_STORED, "s.stored", "最近修改:{},{}", "Last changed by {}, {}"),
    M(MSG_S_SHOPS_LEAD, "s.shops_lead",
      "给每个店铺起一个名字;所有页面都用这个名字显示店铺。需要卖家管理员(seller_admin)角色。",
      "Name each shop; every page shows the shop by this name. Needs the seller_admin role."),
    M(MSG_S_SHOPS_NONE, "s.shops_none", "还没有已连接的店铺。", "No shop is connected yet."),
    M(MSG_S_ALERTS_LINK, "s.alerts_link", "通知对象和处理阈值在“提醒与通知”页设置:",
      "Notification targets and action thresholds are set on the alerts page:"),
    M(MSG_S_READ_ONLY, "s.read_only", "您的角色只能查看这些设置。",
      "Your role can only look at these settings."),
    M(MSG_N_SETTINGS_UNCHANGED, "n.settings_unchanged", "没有修改任何设置。",
      "No setting was changed."),
    M(MSG_N_SHOP_RENAMED, "n.shop_renamed", "店铺名称已保存并记入审计日志。",
      "The shop's name was saved and written to the audit log."),
    M(MSG_V_BAD_SETTING, "v.bad_setting", "设置值应为允许范围内的整数;未保存任何修改。",
      "A setting must be a whole number within its range; nothing was saved."),
    M(MSG_V_BAD_SHOP_NAME, "v.bad_shop_name", "店铺名称最多 60 字节,且不能包含控制字符。",
      "A shop name is at most 60 bytes of text without control characters."),
    M(MSG_V_AMOUNT_NOT_GRANTED, "v.amount_not_granted",
      "Temu 拒绝了订单金额接口:请向 Temu 申请该敏感接口权限,然后重新授权店铺。",
      "Temu refused the order amount API: ask Temu to grant this sensitive API, then "
      "re-authorize the shop."),
    M(MSG_W_STALE, "w.stale", "超过 {} 分钟未成功同步", "no successful sync for over {} min"),
    M(MSG_WB_LEAD, "wb.lead",
      "Temu 自动连接:通过 Temu Open Platform 授权会话连接店铺,之后订单、商品和买家请求自动同步。",
      "Temu auto-connection: connect a shop through a Temu Open Platform authorization session; "
      "orders, products and buyer cases then sync on their own."),
    M(MSG_WB_SESSION_NOTE, "wb.session_note",
      "有效期 15 分钟,只能使用一次。不需要 Temu 店铺登录密码。",
      "Valid for 15 minutes, single use. No shop password is needed."),
    M(MSG_WB_LAUNCH_CLOSED, "wb.launch_closed",
      "以下闸口未通过,未创建任何内容:", "These gates are closed, and nothing was created:"),
    M(MSG_WB_LAUNCH_WAITS, "wb.launch_waits", "正式自动授权路径在所有闸口通过后开放。",
      "The production path opens when every gate passes."),
    M(MSG_WB_LAUNCH_NOTE, "wb.launch_note",
      "正式店铺优先使用“自动授权启动包”接入。在公网回调、生产环境文件、App Key/App Secret "
      "和安全闸口通过之前,这里只列出阻断项,不会要求 Temu 店铺登录密码。",
      "Formal shops connect through the launch packet. Until the public callback, the production "
      "env, the App Key/App Secret and the security gates pass, it only lists what blocks it; it "
      "never asks for a shop password."),
    M(MSG_WB_NEEDS_SELLER_ADMIN, "wb.needs_seller_admin", "需要卖家管理员(seller_admin)角色。",
      "Needs the seller_admin role."),
    M(MSG_WB_NEEDS_OPS, "wb.needs_ops", "需要 ops 角色。", "Needs the ops role."),
    M(MSG_WB_DEV_NOTE, "wb.dev_note",
      "仅用于在 Temu "
      "沙箱上验证授权会话和签名同步;正式生产请使用上方的“自动授权启动包”和运行手册闸口。",
      "Only for validating the authorization session and signed sync against the Temu sandbox; "
      "production uses the launch packet above and the runbook gates."),
    M(MSG_WB_DEV_REFUSED, "wb.dev_refused", "已禁用:生产环境(AICOS_ENV=production)不提供开发授权。",
      "Refused: a production server (AICOS_ENV=production) has no development authorization."),
    M(MSG_WB_NO_SESSIONS, "wb.no_sessions", "暂无授权会话。", "No authorization session yet."),
    M(MSG_WB_NO_CONNECTIONS, "wb.no_connections", "尚无已授权的店铺。",
      "No shop has authorized the app yet."),
    M(MSG_WB_MANUAL_NOTE, "wb.manual_note",
      "在 Seller Center 手动授权后,把显示的 access_token 粘贴到这里;保存前会用 "
      "bg.open.accesstoken.info.get 验证。",
      "Paste the access_token Seller Center shows after a manual authorization; it is verified "
      "with bg.open.accesstoken.info.get before it is stored."),
    M(MSG_WB_VAULT_NOTE, "wb.vault_note",
      "这里不需要 Temu 登录密码。App Secret "
      "和令牌加密存入保险库(vault),页面和接口只显示遮盖后的值。",
      "No Temu login password is needed here. The App Secret and tokens are encrypted in the "
      "vault; pages and APIs show masked values only."),
    M(MSG_WB_DAYS_LEFT, "wb.days_left", "剩 {} 天", "{} days left"),
    M(MSG_WB_DEV, "wb.dev", "开发调试(非正式)", "development (not production)"),
    M(MSG_WB_PRODUCTION, "wb.production", "正式", "production"),
    M(MSG_G_APP_CREDENTIALS, "gate.app_credentials",
      "保存该区域的 App Key 和 App Secret(aicos temu credentials set,或本页的凭据表单)。",
      "Store the region's App Key and App Secret (aicos temu credentials set)."),
    M(MSG_G_PUBLIC_CALLBACK, "gate.public_callback",
      "部署公网 HTTPS 回调:用 aicos deploy init-env 生成 API 与控制台的 https:// "
      "地址,再用这些地址运行服务。",
      "Deploy the public HTTPS callback: generate the API and console https:// origins with aicos "
      "deploy init-env, then serve with them."),
    M(MSG_G_PRODUCTION_ENV, "gate.production_env",
      "用生成的 infra/production.env 运行生产环境(其中 AICOS_ENV=production)。",
      "Run the production stack with the generated infra/production.env (it sets "
      "AICOS_ENV=production)."),
    M(MSG_G_PREFLIGHT, "gate.preflight",
      "运行 aicos deploy preflight(设置 AICOS_DATABASE_URL 以记录结果),并修复其中的阻断项。",
      "Run aicos deploy preflight (with AICOS_DATABASE_URL set so it is recorded) and fix its "
      "blockers."),
    M(MSG_G_SECURITY, "gate.security",
      "配置保险库主密钥(AICOS_MASTER_KEY_FILE,权限 0600),并让 API 和控制台都使用 https:// 地址。",
      "Configure the vault master key (AICOS_MASTER_KEY_FILE, mode 0600) and serve the API and the "
      "console on https:// origins."),
    M(MSG_V_BAD_ACCESS_TOKEN, "v.bad_access_token",
      "access_token 格式不对:请粘贴 Seller Center 显示的完整令牌。",
      "The access_token does not look like one: paste the whole token Seller Center shows."),
    M(MSG_V_BAD_REGION, "v.bad_region", "区域不在支持列表中;请从下拉框选择。",
      "The region is not one we support; pick one from the list."),
    M(MSG_V_REGION_MISMATCH, "v.region_mismatch", "令牌属于另一个区域;请选择令牌所属的区域。",
      "The token belongs to another region; pick the token's own region."),
    M(MSG_V_CREDENTIALS_MISSING, "v.credentials_missing",
      "该区域还没有 App Key/App Secret;请先保存凭据。",
      "This region has no App Key/App Secret yet; store them first."),
    M(MSG_V_TEMU_VERIFY_FAILED, "v.temu_verify_failed",
      "Temu 未能验证该令牌;未保存任何内容。请确认令牌有效后重试。",
      "Temu could not verify the token, and nothing was stored; check that it is valid and try "
      "again."),
    M(MSG_V_GATES_CLOSED, "v.gates_closed", "启动包的闸口尚未全部通过;请按列出的阻断项处理。",
      "The launch packet's gates are not all open yet; work through the listed blockers."),
    M(MSG_V_DEV_REFUSED, "v.dev_refused", "生产环境不提供开发授权。",
      "A production server has no development authorization."),
    M(MSG_V_SESSION_NOT_OPEN, "v.session_not_open", "该授权会话已结束(已使用、取消或过期)。",
      "That authorization session has ended (used, cancelled or expired)."),
    M(MSG_V_SESSION_NOT_FOUND, "v.session_not_found", "找不到该授权会话。",
      "No such authorization session."),
    M(MSG_V_DIFFERENT_SHOP, "v.different_shop",
      "授权的是另一个店铺;请在 Seller Center 选择要重新授权的店铺。",
      "A different shop was authorized; choose the shop to re-authorize in Seller Center."),
    M(MSG_V_STATE_INVALID, "v.state_invalid", "授权链接无效或已过期;请在集成页重新开始授权。",
      "The authorization link is not valid or has expired; start the authorization again on the "
      "Integrations page."),
    M(MSG_V_AUTHORIZATION_DENIED, "v.authorization_denied",
      "店铺在 Seller Center 拒绝了授权;未连接任何店铺。",
      "The shop declined the authorization in Seller Center; no shop was connected."),
    M(MSG_V_VAULT_UNAVAILABLE, "v.vault_unavailable",
      "未配置保险库主密钥,无法保存令牌;请设置 AICOS_MASTER_KEY_FILE。",
      "No vault master key is configured, so the token cannot be stored; set "
      "AICOS_MASTER_KEY_FILE."),
    M(MSG_V_MANUAL_ONLY, "v.manual_only", "此区域只支持手动授权;请使用“手动授权”表单。",
      "This region only supports manual authorization; use the manual token form."),
    M(MSG_STEP_APP_CREDENTIALS, "step.app_credentials",
      "保存该区域的 App Key 和 App Secret(aicos temu credentials set)。",
      "Store the region's App Key and App Secret (aicos temu credentials set)."),
    M(MSG_STEP_PUBLIC_CALLBACK_URL, "step.public_callback_url",
      "把回调地址部署到公网 HTTPS(aicos deploy init-env 生成 https:// 地址)。",
      "Deploy the callback on a public HTTPS address (aicos deploy init-env writes the https:// "
      "origins)."),
    M(MSG_STEP_DNS, "step.dns",
      "为 API 和控制台的域名添加指向服务器的 DNS 记录,然后运行 aicos deploy dns。",
      "Point the API and console host names at the server in DNS, then run aicos deploy dns."),
    M(MSG_STEP_PRODUCTION_ENV, "step.production_env",
      "生成并使用生产环境文件 infra/production.env(aicos deploy init-env)。",
      "Generate and use the production env file infra/production.env (aicos deploy init-env)."),
    M(MSG_STEP_DEPLOYMENT_PREFLIGHT, "step.deployment_preflight",
      "运行 aicos deploy preflight 并修复其中的阻断项。",
      "Run aicos deploy preflight and fix its blockers."),
    M(MSG_STEP_CALLBACK_REACHABLE, "step.callback_reachable",
      "确认公网能访问回调地址(aicos deploy smoke)。",
      "Check that the callback answers from the internet (aicos deploy smoke)."),
    M(MSG_STEP_SELLER_AUTHORIZATION, "step.seller_authorization",
      "在 Seller Center 授权本应用(集成页的授权按钮)。",
      "Authorize the app in Seller Center (the authorization button of this page)."),
    M(MSG_STEP_FIRST_SYNC, "step.first_sync", "运行首次同步(同步页的“立即同步”)。",
      "Run the first sync (Sync now on the Sync page)."),
    M(MSG_STEP_GENERAL, "step.general",
      "向 Temu Open Platform 申请 App Key/App Secret 或 Seller Center 授权;不要索要店铺登录密码。",
      "Request the Temu Open Platform App Key/App Secret or Seller Center approval; never ask for "
      "the shop login password."),
};

const struct web_msg *web_msg_at(unsigned id)
{
    return id < MSG_COUNT ? &web_msgs[id] : NULL;
}

const char *web_msg(enum web_lang lang, enum web_msg_id id)
{
    const struct web_msg *m = web_msg_at((unsigned)id);
    if (m == NULL || m->zh == NULL)
        return "";
    return lang == WEB_LANG_EN ? m->en : m->zh;
}

int web_msg_for_code(const char *code)
{
    static const struct {
        const char *code;
        enum web_msg_id id;
    } codes[] = {
        {"bad_field", MSG_V_BAD_FIELD},
        {"not_cleared", MSG_V_NOT_CLEARED},
        {"already_signed_off", MSG_V_ALREADY_SIGNED_OFF},
        {"no_sign_off", MSG_V_NO_SIGN_OFF},
        {"too_long", MSG_V_TOO_LONG},
        {"field_too_long", MSG_V_TOO_LONG},
        {"missing_field", MSG_V_REQUIRED},
        {"forbidden", MSG_V_FORBIDDEN},
        {"bad_time_zone", MSG_V_BAD_TIME_ZONE},
        {"unknown_time_zone", MSG_V_UNKNOWN_TIME_ZONE},
        {"bad_language", MSG_V_BAD_LANGUAGE},
        {"csrf_failed", MSG_ERR_CSRF_NEXT},
        {"bad_setting", MSG_V_BAD_SETTING},
        {"bad_shop_name", MSG_V_BAD_SHOP_NAME},
        {"amount_api_not_granted", MSG_V_AMOUNT_NOT_GRANTED},
        {"connection_not_found", MSG_V_NOT_FOUND},
        {"bad_access_token", MSG_V_BAD_ACCESS_TOKEN},
        {"token_missing", MSG_V_BAD_ACCESS_TOKEN},
        {"bad_region", MSG_V_BAD_REGION},
        {"region_mismatch", MSG_V_REGION_MISMATCH},
        {"credentials_missing", MSG_V_CREDENTIALS_MISSING},
        {"temu_verify_failed", MSG_V_TEMU_VERIFY_FAILED},
        {"gates_closed", MSG_V_GATES_CLOSED},
        {"dev_refused_in_production", MSG_V_DEV_REFUSED},
        {"session_not_open", MSG_V_SESSION_NOT_OPEN},
        {"state_cancelled", MSG_V_SESSION_NOT_OPEN},
        {"state_used", MSG_V_SESSION_NOT_OPEN},
        {"session_not_found", MSG_V_SESSION_NOT_FOUND},
        {"different_shop", MSG_V_DIFFERENT_SHOP},
        {"state_expired", MSG_V_STATE_INVALID},
        {"state_missing", MSG_V_STATE_INVALID},
        {"state_unknown", MSG_V_STATE_INVALID},
        {"code_missing", MSG_V_STATE_INVALID},
        {"authorization_denied", MSG_V_AUTHORIZATION_DENIED},
        {"vault_unavailable", MSG_V_VAULT_UNAVAILABLE},
        {"manual_authorization_only", MSG_V_MANUAL_ONLY},
    };
    for (size_t i = 0; code != NULL && i < sizeof codes / sizeof codes[0]; i++) {
        if (strcmp(codes[i].code, code) == 0)
            return (int)codes[i].id;
    }
    return -1;
}

int web_msg_for_step(const char *step)
{
    static const struct {
        const char *step;
        enum web_msg_id id;
    } steps[] = {
        {"app_credentials", MSG_STEP_APP_CREDENTIALS},
        {"public_callback_url", MSG_STEP_PUBLIC_CALLBACK_URL},
        {"dns", MSG_STEP_DNS},
        {"production_env", MSG_STEP_PRODUCTION_ENV},
        {"deployment_preflight", MSG_STEP_DEPLOYMENT_PREFLIGHT},
        {"callback_reachable", MSG_STEP_CALLBACK_REACHABLE},
        {"seller_authorization", MSG_STEP_SELLER_AUTHORIZATION},
        {"first_sync", MSG_STEP_FIRST_SYNC},
        {"general", MSG_STEP_GENERAL},
    };
    for (size_t i = 0; step != NULL && i < sizeof steps / sizeof steps[0]; i++) {
        if (strcmp(steps[i].step, step) == 0)
            return (int)steps[i].id;
    }
    return -1;
}

int web_msg_for_gate(const char *gate)
{
    static const struct {
        const char *gate;
        enum web_msg_id id;
    } gates[] = {
        {"app_credentials", MSG_G_APP_CREDENTIALS},
        {"public_callback", MSG_G_PUBLIC_CALLBACK},
        {"production_env", MSG_G_PRODUCTION_ENV},
        {"preflight", MSG_G_PREFLIGHT},
        {"security", MSG_G_SECURITY},
    };
    for (size_t i = 0; gate != NULL && i < sizeof gates / sizeof gates[0]; i++) {
        if (strcmp(gates[i].gate, gate) == 0)
            return (int)gates[i].id;
    }
    return -1;
}

/* The weight of an Accept-Language entry's ";q=0.8" (1000 for none, 0 for a bad one). */
static int web_lang_q(const char *p, const char *end)
{
    const char *q = p;
    while (q + 2 < end && !(q[0] == 'q' && q[1] == '='))
        q++;
    if (q + 2 >= end)
        return 1000;
    q += 2;
    int v = 0, scale = 1000;
    if (*q == '1')
        return 1000;
    if (*q++ != '0')
        return 0;
    if (q < end && *q == '.')
        q++;
    for (int i = 0; i < 3 && q < end && *q >= '0' && *q <= '9'; i++, q++) {
        scale /= 10;
        v += (*q - '0') * scale;
    }
    return v;
}

enum web_lang web_lang_from_accept(const char *header)
{
    enum web_lang best = WEB_LANG_BOTH;
    int best_q = 0;
    const char *p = header;
    while (p != NULL && *p != '\0') {
        while (*p == ' ' || *p == ',')
            p++;
        const char *end = strchr(p, ',');
        if (end == NULL)
            end = p + strlen(p);
        enum web_lang l = WEB_LANG_BOTH;
        if ((end - p >= 2) && (p[0] | 0x20) == 'z' && (p[1] | 0x20) == 'h' &&
            (end - p == 2 || p[2] == '-' || p[2] == ';'))
            l = WEB_LANG_ZH;
        else if ((end - p >= 2) && (p[0] | 0x20) == 'e' && (p[1] | 0x20) == 'n' &&
                 (end - p == 2 || p[2] == '-' || p[2] == ';'))
            l = WEB_LANG_EN;
        int q = web_lang_q(p, end);
        if (l != WEB_LANG_BOTH && q > best_q) {
            best = l;
            best_q = q;
        }
        p = end;
    }
    return best;
}

bool web_lang_parse(const char *s, enum web_lang *out)
{
    if (s == NULL || *s == '\0')
        *out = WEB_LANG_BOTH;
    else if (strcmp(s, "zh") == 0)
        *out = WEB_LANG_ZH;
    else if (strcmp(s, "en") == 0)
        *out = WEB_LANG_EN;
    else
        return false;
    return true;
}
