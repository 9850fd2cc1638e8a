"""The stack config, validated before anything is created: settings, the services entries, the shared limits
and the list of archives; settings builds every component's Args from it."""
