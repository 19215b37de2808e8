#include "web/status.h"

#include <stdio.h>
#include <string.h>

static const struct web_status web_statuses[] = {
    /* checks, gates and integration steps */
    {"pass", "通过", "pass", "pass"},
    {"warning", "提醒", "warning", "warning"},
    {"blocked", "阻断", "blocked", "blocked"},
    {"pending", "待处理", "pending", "pending"},
    {"recommended", "推荐", "recommended", "recommended"},
    {"ready_if_available", "可用即就绪", "ready_if_available", "ready_if_available"},
    {"review_required", "需审核", "review_required", "review_required"},
    {"approved", "已批准", "approved", "approved"},
    /* integrations and connections */
    {"not_configured", "未配置", "not_configured", "not_configured"},
    {"configured", "已配置", "configured", "configured"},
    {"authorization_pending", "等待授权", "authorization_pending", "authorization_pending"},
    {"connected", "已连接", "connected", "connected"},
    {"authorized", "已授权", "authorized", "authorized"},
    {"degraded", "降级", "degraded", "degraded"},
    {"failed", "失败", "failed", "failed"},
    {"paused", "暂停", "paused", "paused"},
    {"active", "正常", "active", "active"},
    /* authorization sessions */
    {"open", "进行中", "open", "open"},
    {"used", "已使用", "used", "used"},
    {"expired", "已过期", "expired", "expired"},
    {"cancelled", "已取消", "cancelled", "cancelled"},
    /* sync run outcomes */
    {"success", "成功", "success", "pass"},
    {"failure", "失败", "failure", "failed"},
    {"denied", "被拒绝", "denied", "blocked"},
    {"retiring", "轮换中", "retiring", "warning"},
    {"retired", "已停用", "retired", "used"},
    {"running", "运行中", "running", "configured"},
    {"auth", "授权失败", "auth", "failed"},
    {"abandoned", "已放弃", "abandoned", "failed"},
    /* order statuses (query_order_status_name) */
    {"un_shipping", "待发货", "to ship", "un_shipping"},
    {"canceled", "已取消", "canceled", "canceled"},
    {"shipped", "已发货", "shipped", "shipped"},
    {"receipted", "已签收", "received", "receipted"},
    {"partially_shipped", "部分发货", "partially shipped", "partially_shipped"},
    {"partially_received", "部分签收", "partially received", "partially_received"},
    /* parentOrderStatus / orderStatus as the buyer reads them (web_status_order; the
     * platform's code and name are the tooltip) */
    {"order_status_1", "待处理", "processing", "pending"},
    {"order_status_2", "待发货", "awaiting shipment", "un_shipping"},
    {"order_status_3", "已取消", "cancelled", "canceled"},
    {"order_status_4", "已发货", "shipped", "shipped"},
    {"order_status_5", "已送达", "delivered", "receipted"},
    {"order_status_41", "部分发货", "partly shipped", "partially_shipped"},
    {"order_status_51", "部分送达", "partly delivered", "partially_received"},
    /* order labels: parentOrderLabel and orderLabel names with a non-zero value */
    {"soon_to_be_overdue", "即将逾期", "due soon", "warning"},
    {"past_due", "已逾期", "past due", "failed"},
    {"pending_buyer_cancellation", "买家申请取消", "buyer asks to cancel", "warning"},
    {"pending_buyer_address_change", "买家申请改地址", "buyer asks for a new address", "warning"},
    {"pending_risk_control_alert", "风控审核中", "risk review", "review_required"},
    {"signature_required_on_delivery", "需签收", "signature on delivery", "configured"},
    {"customized_products", "定制商品", "customized product", "configured"},
    {"US_to_CA", "美国发往加拿大", "US to Canada", "configured"},
    /* goods buckets (query_product_bucket_name) */
    {"on_off_sale", "在售或已下架", "on or off sale", "on_off_sale"},
    {"not_published", "未发布", "not published", "not_published"},
    {"draft", "草稿", "draft", "draft"},
    {"deleted", "已删除", "deleted", "deleted"},
    {"unknown", "未知", "unknown", "unknown"},
    /* sync streams (sync_stream_name) */
    {"orders", "订单", "orders", "configured"},
    {"products", "商品", "products", "configured"},
    {"buyer_cases", "买家请求", "buyer cases", "configured"},
    /* after-sales: parentAfterSalesStatus, afterSalesType (web_status_aftersales) */
    {"aftersales_status_0", "状态未知", "status not given", "unknown"},
    {"aftersales_status_1", "已申请", "applied", "pending"},
    {"aftersales_status_2", "处理中", "in progress", "pending"},
    {"aftersales_status_5", "已退款", "refunded", "pass"},
    {"aftersales_status_6", "买家已取消", "cancelled by buyer", "cancelled"},
    {"aftersales_status_7", "已拒绝", "rejected", "failed"},
    {"aftersales_status_8", "退货运单审核中", "return waybill in review", "review_required"},
    {"aftersales_status_10", "已申请退货", "return applied", "pending"},
    {"aftersales_type_1", "仅退款", "refund only", "configured"},
    {"aftersales_type_2", "退货退款", "return and refund", "configured"},
    /* the formal connection's stages (readiness_progress stage.code) */
    {"waiting_for_app_credentials", "等待 App Key/App Secret", "waiting for the App Key/App Secret",
     "pending"},
    {"waiting_for_callback_deployment", "等待公网回调部署", "waiting for the public callback",
     "pending"},
    {"waiting_for_seller_authorization", "等待 Seller Center 授权",
     "waiting for the Seller Center authorization", "pending"},
    {"waiting_for_first_sync", "等待首次同步", "waiting for the first sync", "pending"},
    /* roles (auth_role_name) */
    {"viewer", "查看者", "viewer", "used"},
    {"operator", "操作员", "operator", "configured"},
    {"ops", "运维", "ops", "configured"},
    {"seller_admin", "卖家管理员", "seller admin", "approved"},
};

#define WEB_STATUS_N (sizeof web_statuses / sizeof web_statuses[0])

const struct web_status *web_status_aftersales(const char *what, long long value)
{
    char code[48];
    snprintf(code, sizeof code, "aftersales_%s_%lld", what, value);
    return web_status_find(code);
}

const struct web_status *web_status_order(long long status, const char **platform)
{
    static const struct {
        long long code;
        const char *name;
    } names[] = {
        {1, "PENDING"},   {2, "UN_SHIPPING"},        {3, "CANCELED"},           {4, "SHIPPED"},
        {5, "RECEIPTED"}, {41, "PARTIALLY_SHIPPED"}, {51, "PARTIALLY_RECEIVED"}};
    char code[32];
    if (platform != NULL)
        *platform = "UNKNOWN";
    for (size_t i = 0; platform != NULL && i < sizeof names / sizeof names[0]; i++) {
        if (names[i].code == status)
            *platform = names[i].name;
    }
    snprintf(code, sizeof code, "order_status_%lld", status);
    return web_status_find(code);
}

const struct web_status *web_status_find(const char *code)
{
    for (size_t i = 0; code != NULL && i < WEB_STATUS_N; i++) {
        if (strcmp(web_statuses[i].code, code) == 0)
            return &web_statuses[i];
    }
    return NULL;
}

unsigned web_status_count(void)
{
    return (unsigned)WEB_STATUS_N;
}

const struct web_status *web_status_at(unsigned i)
{
    return i < WEB_STATUS_N ? &web_statuses[i] : NULL;
}
