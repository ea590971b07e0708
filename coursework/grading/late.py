"""Late submissions: a share of the score per started day after the due date (nbgrader plugin).

nbgrader computes the penalty at autograde time, from the score it has then (autograded points
only). coursework/grading/handgrade.py computes it again after hand-grading, so the penalty applies
to the whole score. Set the share in nbgrader_config.py::

    c.LatePenaltyPerDay.percent_per_day = 10   # 10 % of the score per started day late
"""

from __future__ import annotations

import math

from nbgrader.plugins import LateSubmissionPlugin
from traitlets import Float


class LatePenaltyPerDay(LateSubmissionPlugin):
    """Penalty = score x percent_per_day / 100 x (started days late), at most the score."""

    percent_per_day = Float(10.0, help="Share of the score lost per started day late, in percent.").tag(config=True)

    def late_submission_penalty(self, student_id, score, total_seconds_late):
        if not total_seconds_late or total_seconds_late <= 0:
            return 0.0
        days = math.ceil(total_seconds_late / 86400)
        return min(score, score * self.percent_per_day / 100 * days)
