"""Beat starts on a fresh checkout: the folder of its schedule file is made when it starts."""

from celery.beat import Service

from northstar.celery import BeatScheduler, app


def beat_scheduler(**options):
    """The scheduler `celery -A northstar beat` would run with these command-line options."""
    beat = app.Beat(**options)
    service = Service(app=app, scheduler_cls=beat.scheduler_cls, schedule_filename=beat.schedule)
    return service.get_scheduler()


def test_beat_creates_the_folder_of_its_schedule_file_when_it_is_missing(tmp_path):
    schedule = tmp_path / "fresh-checkout" / "var" / "celerybeat-schedule"

    scheduler = beat_scheduler(schedule=str(schedule))
    try:
        assert isinstance(scheduler, BeatScheduler)
        assert schedule.parent.is_dir()
        assert "requeue-stalled-email" in scheduler.schedule
    finally:
        scheduler.close()


def test_beat_keeps_its_schedule_where_the_settings_say(settings):
    assert app.Beat().schedule == settings.CELERY_BEAT_SCHEDULE_FILENAME
