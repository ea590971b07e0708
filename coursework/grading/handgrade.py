"""Grade the free-text answers by hand without a JupyterHub's Formgrader: a CSV sheet in, the gradebook out.

From coursework/, after ``nbgrader autograde`` (make coursework-handgrade-sheet / coursework-handgrade):

    python -m grading.handgrade sheet 01_sampling_and_likelihood > marks.csv
        one row per student and hand-graded answer: student, notebook, grade_id, max_score, score
        (empty), comment (empty), and the student's answer on one line. Read the model answers and
        their marking scheme in source/<assignment>/ (the cells with "Marking:").
    python -m grading.handgrade apply 01_sampling_and_likelihood marks.csv
        writes each filled-in score (0 .. max_score) and comment into gradebook.db, then computes each
        late submission's penalty again on the whole score (nbgrader computed it at autograde time,
        before the hand-graded points existed). Rows with an empty score are left for later.

Then ``nbgrader generate_feedback`` (feedback made before this step shows the hand-graded points as 0).
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook
from traitlets.config.loader import PyFileConfigLoader

COLUMNS = ["student", "notebook", "grade_id", "max_score", "score", "comment", "answer"]


def hand_graded_cells(nb):
    """grade_ids of the cells a person grades: answers that are both graded and written by the student."""
    return [c.metadata["nbgrader"]["grade_id"] for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("grade") and c.metadata["nbgrader"].get("solution")
            and c.cell_type == "markdown"]


def sheet(root: Path, assignment: str, out) -> int:
    writer = csv.DictWriter(out, COLUMNS)
    writer.writeheader()
    rows = 0
    for path in sorted((root / "autograded").glob(f"*/{assignment}/*.ipynb")):
        student, nb = path.parts[-3], nbformat.read(path, as_version=4)
        cells = {c.metadata["nbgrader"]["grade_id"]: c for c in nb.cells if "grade_id" in c.metadata.get("nbgrader", {})}
        for grade_id in hand_graded_cells(nb):
            cell = cells[grade_id]
            writer.writerow({"student": student, "notebook": path.stem, "grade_id": grade_id,
                             "max_score": cell.metadata["nbgrader"]["points"], "score": "", "comment": "",
                             "answer": " ".join(cell.source.split())})
            rows += 1
    return rows


def late_plugin(root: Path):
    config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    plugin_class = config.AssignLatePenalties.get("plugin_class")
    if plugin_class is None:
        return None
    return plugin_class(config=config)


def apply(root: Path, assignment: str, marks: Path) -> int:
    plugin = late_plugin(root)
    done = 0
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb, marks.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if not row.get("score", "").strip():
                continue
            grade = gb.find_grade(row["grade_id"], row["notebook"], assignment, row["student"])
            score = float(row["score"])
            if not 0 <= score <= grade.max_score:
                raise ValueError(f"{row['student']} {row['grade_id']}: score {score} outside 0 .. {grade.max_score}")
            grade.manual_score = score
            grade.needs_manual_grade = False
            if row.get("comment", "").strip():
                comment = gb.find_comment(row["grade_id"], row["notebook"], assignment, row["student"])
                comment.manual_comment = row["comment"].strip()
            done += 1
        gb.db.commit()
        if plugin is not None:
            for submission in gb.assignment_submissions(assignment):
                for notebook in submission.notebooks:
                    late = submission.total_seconds_late or 0
                    penalty = plugin.late_submission_penalty(submission.student.id, notebook.score, late) if late else 0.0
                    notebook.late_submission_penalty = penalty or 0.0
            gb.db.commit()
    return done


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("action", choices=("sheet", "apply"))
    parser.add_argument("assignment")
    parser.add_argument("marks", nargs="?", help="the filled-in sheet (apply)")
    parser.add_argument("--course", default=str(Path(__file__).resolve().parents[1]), help="the course root")
    args = parser.parse_args(argv)
    root = Path(args.course)
    if args.action == "sheet":
        rows = sheet(root, args.assignment, sys.stdout)
        sys.stderr.write(f"{rows} answers to grade by hand\n")
    else:
        if not args.marks:
            parser.error("apply needs the filled-in sheet")
        done = apply(root, args.assignment, Path(args.marks))
        sys.stderr.write(f"{done} hand-graded scores written; now run nbgrader generate_feedback {args.assignment}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
