# The JSON API: one file per resource with its header beside it, and the OpenAPI document.
aicos_module(api
  SOURCES api.c auth_api.c security_api.c config_api.c deploy_api.c health.c
          integrations_api.c openapi.c orders_api.c settlements_api.c shipping_api.c
          shipments_api.c sync_api.c webhook_api.c ai_api.c cases_api.c actions_api.c tracking_api.c
          alerts_api.c tracking_settings_api.c
  DEPS aicos_app aicos_reply aicos_http aicos_readiness aicos_settlement aicos_tracking aicos_sync
       aicos_auth
       aicos_ai)
