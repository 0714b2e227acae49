"""Small test plugins, one per hook, used by the core's tests (loaded as module plugins)."""
