"""Live scoring: room sessions fed as a stream runs (:class:`RoomMonitor`)."""

from botcomments.live.monitor import FeedResult, MonitorSettings, RoomMonitor, VerdictEvent

__all__ = ["FeedResult", "MonitorSettings", "RoomMonitor", "VerdictEvent"]
