# The subcommands of `aicos` and their shared helpers.
aicos_module(cli
  SOURCES cli.c cmd_serve.c cmd_migrate.c cmd_config.c cmd_user.c cmd_token.c cmd_vault.c
          cmd_audit.c cmd_deploy.c cmd_sync.c cmd_worker.c cmd_temu.c cmd_temu_credentials.c
          cmd_settlement.c cmd_settlement_airwallex.c cmd_ai.c cmd_actions.c cmd_actions_notify.c
          cmd_tracking.c cmd_tracking_carriers.c
  DEPS aicos_routes aicos_api aicos_app aicos_actions aicos_http aicos_settlement aicos_tracking
       aicos_sync aicos_deploy
       aicos_temu
       aicos_auth aicos_vault aicos_ai aicos_store)
