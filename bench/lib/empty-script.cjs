// Nothing: what Node itself costs from process start to exit (the start-up case's floor).
