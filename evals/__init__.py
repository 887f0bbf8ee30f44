"""The evaluation harness: questions with independently computed answers, run through a planner.

    cases.py     load and validate the case files in questions/ (every problem at once)
    compare.py   does an answer's table hold the expected rows? (pure)
    run.py       ask each case, run its expected SQL, judge
    report.py    accuracy overall and per category, latency, every miss; terminal and Markdown
    bench.py     latency benchmarks: planning, whole answers, and a bare-DuckDB baseline

`cs-assistant eval` and `cs-assistant bench` are the command-line shells over these.
"""
