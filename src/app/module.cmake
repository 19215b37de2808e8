# The application layer: the context handlers share, the actor, the audit helper and the
# audited use-cases both the JSON API and the pages call.
aicos_module(app
  SOURCES app.c signin.c temu.c deploy.c sync.c admin.c shipments.c cases.c settlement.c actions.c
          alerts.c settings.c tracking.c
  DEPS aicos_actions aicos_reply aicos_settlement aicos_tracking aicos_sync aicos_connect aicos_deploy
       aicos_temu
       aicos_auth aicos_vault)
