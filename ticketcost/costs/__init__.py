"""The pure cost core: a conversation priced turn by turn, a config's full cost stack, benchmarks,
scale and ROI, budgets and baselines. Values in, values out: no printing, no flags."""
