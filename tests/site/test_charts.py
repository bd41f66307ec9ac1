"""The staff reports' one chart (northstar.charts): its scale in the unit it counts, wide
enough for its labels."""

from datetime import date

from northstar.charts import DayFigure, bar_chart, money_chart, per_day


def figures(*counts):
    return [DayFigure(date(2025, 4, n + 1), count) for n, count in enumerate(counts)]


def test_a_money_scale_reads_in_dollars_at_the_top_the_middle_and_zero():
    chart = money_chart(figures(250_000, 980_000), "usd")

    assert [line.label for line in chart.gridlines] == ["$10,000", "$5,000", "$0"]


def test_the_scale_leaves_room_for_its_widest_label():
    chart = money_chart(figures(980_000), "usd")

    # 7 characters of 11px text, about 6.5 units each, and the gap before the plot.
    assert chart.plot_left >= 7 * 6.5 + 6
    assert chart.gridlines[0].label == "$10,000"


def test_a_money_chart_labels_each_bar_and_the_total_in_dollars():
    chart = money_chart(figures(5_000, 13_550), "usd")

    assert [bar.label for bar in chart.bars] == ["$50", "$135.50"]
    assert chart.total_label == "$185.50"


def test_a_money_chart_with_nothing_raised_reads_from_nothing_to_one_dollar():
    chart = money_chart(figures(0, 0), "usd")

    assert [line.label for line in chart.gridlines] == ["$1", "$0.50", "$0"]


def test_a_count_scale_groups_thousands():
    chart = bar_chart(figures(1_200, 40))

    assert [line.label for line in chart.gridlines] == ["2,000", "1,000", "0"]


def test_per_day_has_every_day_of_the_range_with_zero_on_quiet_days():
    days = per_day(date(2025, 4, 1), date(2025, 4, 3), {date(2025, 4, 2): 7})

    assert days == [
        DayFigure(date(2025, 4, 1), 0),
        DayFigure(date(2025, 4, 2), 7),
        DayFigure(date(2025, 4, 3), 0),
    ]
