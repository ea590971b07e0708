"""Plausible wrong answers to the coursework, and helpers that drive nbgrader for the tests.

Each wrong answer replaces the solution code (between ``### BEGIN SOLUTION`` and ``### END
SOLUTION``) of one answer cell in a copy of the instructor's solution notebook, and lists the
autograded cells it must lose: the cell aimed at the mistake, plus the cells of later questions
whose functions are built on the wrong one (a wrong M-step makes the EM fit wrong too). Every other
autograded cell must keep its full points.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

import nbformat

SOLUTION_REGION = re.compile(r"^[ \t]*### BEGIN SOLUTION\n.*?^[ \t]*### END SOLUTION[ \t]*$", re.S | re.M)


@dataclass(frozen=True)
class WrongAnswer:
    student: str  # nbgrader student id of the submission
    assignment: str
    cell: str  # grade_id of the answer cell to change
    code: str  # replaces the solution region (indented like it), or the whole cell if whole_cell
    loses: frozenset[str]  # grade_ids of the autograded cells that must score 0
    why: str
    whole_cell: bool = False
    says: str = ""  # in the feedback of the aimed test cell: names the mistake in the student's terms
    flagged: str = ""  # in the suspicious-submissions report's line for this student (cheats only)


A1, A2, A3 = "01_sampling_and_likelihood", "02_direct_optimisation", "03_em_algorithm"
A4 = "04_two_dimensions"

WRONG_ANSWERS = [
    WrongAnswer(
        "wrong_loglik_log_of_pdf", A1, "a1_q2_answer",
        """
        x = np.asarray(x, dtype=float)
        density = sum(w * np.exp(-0.5 * ((x - m) / s) ** 2) / (s * np.sqrt(2 * np.pi))
                      for w, m, s in zip(weights, means, sds))
        return float(np.sum(np.log(density)))
        """,
        frozenset({"a1_q2_test"}),
        "log of the density: -inf on the hidden test's far outlier",
        says='underflows to 0 there',
    ),
    WrongAnswer(
        "wrong_sampler_fixed_counts", A1, "a1_q3_answer",
        """
        counts = np.round(np.asarray(weights, dtype=float) * n).astype(int)
        return np.concatenate([rng.normal(m, s, size=c) for m, s, c in zip(means, sds, counts)])
        """,
        frozenset({"a1_q3_test"}),
        "stratified sampler: fixed counts per component, as in the original script",
        says='fixed counts like round(w_k n)',
    ),
    WrongAnswer(
        "wrong_logpdf_calls_mixlib", A1, "a1_q1_answer",
        """
        return mixlib.logpdf(x, mixlib.MixtureParams(weights, means, sds))
        """,
        frozenset({"a1_q1_test", "a1_q2_test"}),
        "calls mixlib.logpdf instead of computing (log_likelihood builds on it)",
        says="mixlib's numerics are switched off",
    ),
    WrongAnswer(
        "wrong_logpdf_alias_of_mixlib", A1, "a1_q1_answer",
        '''
        from mixlib import logpdf as _logpdf_from_mixlib


        def mixture_logpdf(x, weights, means, sds):
            """Log of the mixture density at each point of x, borrowed from mixlib."""
            return _logpdf_from_mixlib(x, mixlib.MixtureParams(weights, means, sds))
        ''',
        frozenset({"a1_q1_test", "a1_q2_test"}),
        "an alias of mixlib.logpdf bound before the tests run (patching the module would miss it)",
        whole_cell=True,
        says="mixlib's numerics are switched off",
    ),
    WrongAnswer(
        "wrong_sampler_independent_sd", A1, "a1_q3_answer",
        """
        weights, means, sds = (np.asarray(v, dtype=float) for v in (weights, means, sds))
        k_mean = rng.choice(weights.size, size=n, p=weights)
        k_sd = rng.choice(weights.size, size=n, p=weights)  # the sd's component drawn separately
        return rng.normal(means[k_mean], sds[k_sd])
        """,
        frozenset({"a1_q3_test"}),
        "mean and sd drawn from independently chosen components (right counts and means, wrong spread)",
        says="mean and standard deviation of the same z",
    ),
    WrongAnswer(
        "wrong_from_theta_weights_swapped", A2, "a2_q1_answer",
        '''
        def to_theta(weights, means, sds):
            """(mu1, mu2, log sd1, log sd2, log(w1 / w2))."""
            weights, means, sds = (np.asarray(v, dtype=float) for v in (weights, means, sds))
            return np.concatenate([means, np.log(sds), [np.log(weights[0] / weights[1])]])


        def from_theta(theta):
            """The inverse of to_theta, with the sign of eta flipped: w1 and w2 swapped."""
            theta = np.asarray(theta, dtype=float)
            w1 = 1 / (1 + np.exp(theta[4]))
            return np.array([w1, 1 - w1]), theta[:2].copy(), np.exp(theta[2:4])
        ''',
        frozenset({"a2_q1_test", "a2_q3_test", "a2_q4_test", "a2_q5_test"}),
        "from_theta's weights swapped: the gradient, the fit and the standard errors build on it",
        whole_cell=True, says="from_theta's weights are wrong",
    ),
    WrongAnswer(
        "wrong_negloglik_sign", A2, "a2_q2_answer",
        """
        _, means, sds = from_theta(theta)
        log_weights = -np.logaddexp(0.0, [-theta[4], theta[4]])
        x = np.asarray(x, dtype=float)
        log_terms = (log_weights - np.log(sds) - 0.5 * np.log(2 * np.pi))[:, np.newaxis] - 0.5 * (
            (x[np.newaxis, :] - means[:, np.newaxis]) / sds[:, np.newaxis]) ** 2
        top = np.maximum(log_terms[0], log_terms[1])
        return float((top + np.log(np.exp(log_terms[0] - top) + np.exp(log_terms[1] - top))).sum())  # + not -
        """,
        frozenset({"a2_q2_test", "a2_q4_test"}),
        "the log-likelihood instead of its negative (fit_direct builds on it; the gradient does not)",
        says="negloglik has the wrong sign",
    ),
    WrongAnswer(
        "wrong_negloglik_log_of_pdf", A2, "a2_q2_answer",
        """
        weights, means, sds = from_theta(theta)
        x = np.asarray(x, dtype=float)
        density = sum(w * np.exp(-0.5 * ((x - m) / s) ** 2) / (s * np.sqrt(2 * np.pi))
                      for w, m, s in zip(weights, means, sds))
        return -float(np.sum(np.log(density)))
        """,
        frozenset({"a2_q2_test"}),
        "log of the density in the objective: +inf on the hidden test's far outlier",
        says='far from both components',
    ),
    WrongAnswer(
        "wrong_standard_errors_call_mixlib", A2, "a2_q5_answer",
        """
        weights, means, sds = from_theta(theta_hat)
        se = mixlib.standard_errors(x, mixlib.MixtureParams(weights, means, sds))
        return np.concatenate([se.means, se.sds / sds, [se.weights[0] / (weights[0] * weights[1])]])
        """,
        frozenset({"a2_q5_test"}),
        "calls mixlib.standard_errors and converts instead of computing the Hessian",
        says="mixlib's numerics are switched off",
    ),
    WrongAnswer(
        "wrong_m_step_unnormalised_weights", A3, "a3_q2_answer",
        """
        x = np.asarray(x, dtype=float)
        resp = np.asarray(resp, dtype=float)
        mass = resp.sum(axis=0)
        weights = mass  # forgot to divide by n
        means = (resp * x[:, np.newaxis]).sum(axis=0) / mass
        sds = np.sqrt((resp * (x[:, np.newaxis] - means) ** 2).sum(axis=0) / mass)
        return weights, means, sds
        """,
        frozenset({"a3_q2_test", "a3_q4_test", "a3_q6_test"}),
        "M-step weights not normalised (em_fit and fit_faithful build on it)",
        says='w_k = N_k / n',
    ),
    WrongAnswer(
        "wrong_e_step_calls_mixlib", A3, "a3_q1_answer",
        """
        params = mixlib.MixtureParams(weights, means, sds)
        return mixlib.responsibilities(x, params), mixlib.log_likelihood(x, params)
        """,
        frozenset({"a3_q1_test", "a3_q4_test", "a3_q6_test"}),
        "calls mixlib.responsibilities instead of computing (em_fit and fit_faithful build on it)",
        says="mixlib's numerics are switched off",
    ),
    # ---- the catalogue of classic mistakes (issue 14): each is docked, and its feedback names it
    WrongAnswer(
        "wrong_logpdf_log_of_pdf", A1, "a1_q1_answer",
        """
        x = np.asarray(x, dtype=float)
        density = sum(w * np.exp(-0.5 * ((x - m) / s) ** 2) / (s * np.sqrt(2 * np.pi))
                      for w, m, s in zip(weights, means, sds))
        return np.log(density)
        """,
        frozenset({"a1_q1_test", "a1_q2_test"}),
        "log of the summed density: -inf far from the components (log_likelihood builds on it)",
        says="underflows to 0, so the log of the summed density fails",
    ),
    WrongAnswer(
        "wrong_logpdf_global_shift", A1, "a1_q1_answer",
        """
        x = np.asarray(x, dtype=float)
        weights, means, sds = (np.asarray(v, dtype=float) for v in (weights, means, sds))
        z = (x[np.newaxis, :] - means[:, np.newaxis]) / sds[:, np.newaxis]
        log_terms = (np.log(weights) - np.log(sds) - 0.5 * np.log(2 * np.pi))[:, np.newaxis] - 0.5 * z**2
        top = log_terms.max()  # one shift for all points
        return top + np.log(np.exp(log_terms - top).sum(axis=0))
        """,
        frozenset({"a1_q1_test", "a1_q2_test"}),
        "log-sum-exp with one global shift instead of one per point",
        says="by its own largest log-term",
    ),
    WrongAnswer(
        "wrong_logpdf_two_components_only", A1, "a1_q1_answer",
        """
        x = np.asarray(x, dtype=float)
        a = [np.log(w) - np.log(s) - 0.5 * np.log(2 * np.pi) - 0.5 * ((x - m) / s) ** 2
             for w, m, s in zip(weights, means, sds)]
        return np.logaddexp(a[0], a[-1])
        """,
        frozenset({"a1_q1_test"}),
        "log-sum-exp of the first and last components only: right for K = 2 (log_likelihood's test), wrong for K = 3",
        says="any number of components",
    ),
    WrongAnswer(
        "wrong_logpdf_weights_not_logged", A1, "a1_q1_answer",
        """
        x = np.asarray(x, dtype=float)
        weights, means, sds = (np.asarray(v, dtype=float) for v in (weights, means, sds))
        z = (x[np.newaxis, :] - means[:, np.newaxis]) / sds[:, np.newaxis]
        log_terms = (weights - np.log(sds) - 0.5 * np.log(2 * np.pi))[:, np.newaxis] - 0.5 * z**2
        top = log_terms.max(axis=0)
        return top + np.log(np.exp(log_terms - top).sum(axis=0))
        """,
        frozenset({"a1_q1_test", "a1_q2_test"}),
        "adds w_k instead of log w_k to the log-terms",
        says="log w_k - log sigma_k",
    ),
    WrongAnswer(
        "wrong_loglik_mean", A1, "a1_q2_answer",
        """
        return float(np.mean(mixture_logpdf(x, weights, means, sds)))
        """,
        frozenset({"a1_q2_test"}),
        "the mean log-density instead of the total",
        says="the sum, not the mean",
    ),
    WrongAnswer(
        "wrong_sampler_two_components_only", A1, "a1_q3_answer",
        """
        weights, means, sds = (np.asarray(v, dtype=float) for v in (weights, means, sds))
        z = (rng.random(n) > weights[0]).astype(int)
        return rng.normal(means[z], sds[z])
        """,
        frozenset({"a1_q3_test"}),
        "z = rng.random(n) > w[0]: only ever draws the first two components",
        says="only knows two components",
    ),
    WrongAnswer(
        "wrong_sampler_global_random", A1, "a1_q3_answer",
        """
        weights, means, sds = (np.asarray(v, dtype=float) for v in (weights, means, sds))
        labels = np.random.choice(weights.size, size=n, p=weights)
        return np.random.normal(means[labels], sds[labels])
        """,
        frozenset({"a1_q3_test"}),
        "draws from np.random instead of the rng it is given",
        says="not from np.random",
    ),
    WrongAnswer(
        "wrong_sampler_variance_as_scale", A1, "a1_q3_answer",
        """
        weights, means, sds = (np.asarray(v, dtype=float) for v in (weights, means, sds))
        labels = rng.choice(weights.size, size=n, p=weights)
        return rng.normal(means[labels], sds[labels] ** 2)
        """,
        frozenset({"a1_q3_test"}),
        "passes the variances as numpy's scale",
        says="not the variances",
    ),
    WrongAnswer(
        "wrong_sampler_equal_probabilities", A1, "a1_q3_answer",
        """
        weights, means, sds = (np.asarray(v, dtype=float) for v in (weights, means, sds))
        labels = rng.choice(weights.size, size=n)
        return rng.normal(means[labels], sds[labels])
        """,
        frozenset({"a1_q3_test"}),
        "chooses the components with equal probabilities, ignoring the weights",
        says="with probability w_k",
    ),
    WrongAnswer(
        "wrong_negloglik_overflowing_weights", A2, "a2_q2_answer",
        """
        _, means, sds = from_theta(theta)
        eta = theta[4]
        log_weights = np.log([1 / (1 + np.exp(-eta)), 1 / (1 + np.exp(eta))])
        x = np.asarray(x, dtype=float)
        log_terms = (log_weights - np.log(sds) - 0.5 * np.log(2 * np.pi))[:, np.newaxis] - 0.5 * (
            (x[np.newaxis, :] - means[:, np.newaxis]) / sds[:, np.newaxis]) ** 2
        top = np.maximum(log_terms[0], log_terms[1])
        return -float(np.sum(top + np.log(np.exp(log_terms[0] - top) + np.exp(log_terms[1] - top))))
        """,
        frozenset({"a2_q2_test"}),
        "log(1 / (1 + exp(-eta))): exp overflows, a weight rounds to 0, for large |eta|",
        says="extreme weight",
    ),
    WrongAnswer(
        "wrong_negloglik_global_shift", A2, "a2_q2_answer",
        """
        _, means, sds = from_theta(theta)
        log_weights = -np.logaddexp(0.0, [-theta[4], theta[4]])
        x = np.asarray(x, dtype=float)
        log_terms = (log_weights - np.log(sds) - 0.5 * np.log(2 * np.pi))[:, np.newaxis] - 0.5 * (
            (x[np.newaxis, :] - means[:, np.newaxis]) / sds[:, np.newaxis]) ** 2
        top = log_terms.max()  # one shift for all points
        return -float(np.sum(top + np.log(np.exp(log_terms - top).sum(axis=0))))
        """,
        frozenset({"a2_q2_test"}),
        "log-sum-exp with one global shift instead of one per point",
        says="one shift for all points",
    ),
    WrongAnswer(
        "wrong_to_theta_reversed_logit", A2, "a2_q1_answer",
        """
        weights, means, sds = (np.asarray(v, dtype=float) for v in (weights, means, sds))
        return np.concatenate([means, np.log(sds), [np.log(weights[1] / weights[0])]])
        """,
        frozenset({"a2_q1_test"}),
        "log(w2 / w1) instead of log(w1 / w2) in to_theta",
        says="log(w1 / w2)",
    ),
    WrongAnswer(
        "wrong_gradient_sign", A2, "a2_q3_answer",
        """
        weights, means, sds = from_theta(theta)
        x = np.asarray(x, dtype=float)
        z = (x[np.newaxis, :] - means[:, np.newaxis]) / sds[:, np.newaxis]
        log_terms = (np.log(weights) - np.log(sds) - 0.5 * np.log(2 * np.pi))[:, np.newaxis] - 0.5 * z**2
        top = np.maximum(log_terms[0], log_terms[1])
        resp = np.exp(log_terms - (top + np.log(np.exp(log_terms[0] - top) + np.exp(log_terms[1] - top))))
        return np.concatenate([(resp * z).sum(axis=1) / sds, (resp * (z**2 - 1)).sum(axis=1),
                               [resp[0].sum() - x.size * weights[0]]])
        """,
        frozenset({"a2_q3_test", "a2_q4_test", "a2_q5_test"}),
        "the gradient of the log-likelihood, not of negloglik (fit_direct and standard_errors build on it)",
        says="wrong sign",
    ),
    WrongAnswer(
        "wrong_gradient_resp_as_ratio", A2, "a2_q3_answer",
        """
        weights, means, sds = from_theta(theta)
        x = np.asarray(x, dtype=float)
        z = (x[np.newaxis, :] - means[:, np.newaxis]) / sds[:, np.newaxis]
        dens = weights[:, np.newaxis] * np.exp(-0.5 * z**2) / (sds[:, np.newaxis] * np.sqrt(2 * np.pi))
        resp = dens / dens.sum(axis=0)
        return -np.concatenate([(resp * z).sum(axis=1) / sds, (resp * (z**2 - 1)).sum(axis=1),
                                [resp[0].sum() - x.size * weights[0]]])
        """,
        frozenset({"a2_q3_test"}),
        "responsibilities as a ratio of pdfs: 0/0 for a far point",
        says="not as a ratio of pdfs",
    ),
    WrongAnswer(
        "wrong_fit_without_gradient", A2, "a2_q4_answer",
        """
        return optimize.minimize(negloglik, np.asarray(theta0, dtype=float), args=(x,), method=method)
        """,
        frozenset({"a2_q4_test"}),
        "never passes the analytic gradient (finite differences instead)",
        says="pass jac=negloglik_grad",
    ),
    WrongAnswer(
        "wrong_standard_errors_inverse_of_diagonal", A2, "a2_q5_answer",
        """
        theta_hat = np.asarray(theta_hat, dtype=float)
        hess = np.empty((theta_hat.size, theta_hat.size))
        for j in range(theta_hat.size):
            delta = np.zeros(theta_hat.size)
            delta[j] = step
            hess[:, j] = (negloglik_grad(theta_hat + delta, x) - negloglik_grad(theta_hat - delta, x)) / (2 * step)
        return 1 / np.sqrt(np.diag(hess))
        """,
        frozenset({"a2_q5_test"}),
        "1 / sqrt(diag(H)) instead of sqrt(diag(inv(H))): ignores the correlations",
        says="1 / sqrt(diag(H))",
    ),
    WrongAnswer(
        "wrong_e_step_ratio_of_pdfs", A3, "a3_q1_answer",
        """
        x = np.asarray(x, dtype=float)
        weights, means, sds = (np.asarray(v, dtype=float) for v in (weights, means, sds))
        dens = weights * np.exp(-0.5 * ((x[:, np.newaxis] - means) / sds) ** 2) / (sds * np.sqrt(2 * np.pi))
        total = dens.sum(axis=1, keepdims=True)
        return dens / total, float(np.log(total).sum())
        """,
        frozenset({"a3_q1_test"}),
        "responsibilities as a ratio of pdfs: 0/0 far from the components",
        says="is 0/0",
    ),
    WrongAnswer(
        "wrong_e_step_global_shift", A3, "a3_q1_answer",
        """
        x = np.asarray(x, dtype=float)
        weights, means, sds = (np.asarray(v, dtype=float) for v in (weights, means, sds))
        log_terms = np.log(weights) - np.log(sds) - 0.5 * np.log(2 * np.pi) - 0.5 * ((x[:, np.newaxis] - means) / sds) ** 2
        top = log_terms.max()  # one shift for all points
        log_p = top + np.log(np.exp(log_terms - top).sum(axis=1, keepdims=True))
        return np.exp(log_terms - log_p), float(log_p.sum())
        """,
        frozenset({"a3_q1_test"}),
        "log-sum-exp with one global shift instead of one per point",
        says="each point's own largest log-term",
    ),
    WrongAnswer(
        "wrong_e_step_transposed", A3, "a3_q1_answer",
        """
        x = np.asarray(x, dtype=float)
        weights, means, sds = (np.asarray(v, dtype=float) for v in (weights, means, sds))
        log_terms = np.log(weights) - np.log(sds) - 0.5 * np.log(2 * np.pi) - 0.5 * ((x[:, np.newaxis] - means) / sds) ** 2
        top = log_terms.max(axis=1, keepdims=True)
        log_p = top + np.log(np.exp(log_terms - top).sum(axis=1, keepdims=True))
        return np.exp(log_terms - log_p).T, float(log_p.sum())
        """,
        frozenset({"a3_q1_test", "a3_q4_test", "a3_q6_test"}),
        "responsibilities as K x n instead of n x K (em_fit and fit_faithful build on it)",
        says="one row per point",
    ),
    WrongAnswer(
        "wrong_m_step_raw_second_moment", A3, "a3_q2_answer",
        """
        x = np.asarray(x, dtype=float)
        resp = np.asarray(resp, dtype=float)
        mass = resp.sum(axis=0)
        means = (resp * x[:, np.newaxis]).sum(axis=0) / mass
        second = (resp * x[:, np.newaxis] ** 2).sum(axis=0) / mass
        return mass / x.size, means, np.sqrt(second - means**2)
        """,
        frozenset({"a3_q2_test"}),
        "variance as E[x^2] - mu^2, forbidden by the prompt: every digit lost for data near 1e8",
        says="E[x^2] - mu^2 subtracts two numbers",
    ),
    WrongAnswer(
        "wrong_m_step_off_by_one_dof", A3, "a3_q2_answer",
        """
        x = np.asarray(x, dtype=float)
        resp = np.asarray(resp, dtype=float)
        mass = resp.sum(axis=0)
        means = (resp * x[:, np.newaxis]).sum(axis=0) / mass
        sds = np.sqrt((resp * (x[:, np.newaxis] - means) ** 2).sum(axis=0) / (mass - 1))
        return mass / x.size, means, sds
        """,
        frozenset({"a3_q2_test", "a3_q4_test", "a3_q6_test"}),
        "divides the variance by N_k - 1 (em_fit and fit_faithful build on it)",
        says="not N_k - 1",
    ),
    WrongAnswer(
        "wrong_converged_not_per_point", A3, "a3_q3_answer",
        """
        return bool(abs(loglik_new - loglik_old) < tol)
        """,
        frozenset({"a3_q3_test", "a3_q4_test"}),
        "the change in total log-likelihood, not per point (em_fit then stops too late)",
        says="divided by n",
    ),
    WrongAnswer(
        "wrong_em_fit_ignores_convergence", A3, "a3_q4_answer",
        """
        x = np.asarray(x, dtype=float)
        resp, loglik = e_step(x, weights, means, sds)
        history = [loglik]
        for _ in range(max_iter):
            weights, means, sds = m_step(x, resp)
            resp, loglik = e_step(x, weights, means, sds)
            history.append(loglik)
        return weights, means, sds, history
        """,
        frozenset({"a3_q4_test"}),
        "a loop that never calls has_converged: always max_iter iterations",
        says="stop (break) when it returns True",
    ),
    WrongAnswer(
        "wrong_em_fit_history_without_start", A3, "a3_q4_answer",
        """
        x = np.asarray(x, dtype=float)
        resp, loglik = e_step(x, weights, means, sds)
        history = []
        for _ in range(max_iter):
            weights, means, sds = m_step(x, resp)
            old, (resp, loglik) = loglik, e_step(x, weights, means, sds)
            history.append(loglik)
            if has_converged(old, loglik, x.size, tol):
                break
        return weights, means, sds, history
        """,
        frozenset({"a3_q4_test"}),
        "history without the start's log-likelihood",
        says="history must start with the log-likelihood at the start",
    ),
    WrongAnswer(
        "wrong_faithful_hard_coded_start", A3, "a3_q6_answer",
        """
        weights, means, sds, _ = em_fit(waiting, [0.35, 0.65], [54.0, 80.0], [6.0, 6.0])
        order = np.argsort(means)
        return weights[order], means[order], sds[order]
        """,
        frozenset({"a3_q6_test"}),
        "a start typed in minutes, read off the plot",
        says="never numbers typed in minutes",
    ),
    WrongAnswer(
        "wrong_faithful_unordered", A3, "a3_q6_answer",
        """
        waiting = np.asarray(waiting, dtype=float)
        weights, means, sds, _ = em_fit(waiting, [0.5, 0.5], np.quantile(waiting, [0.75, 0.25]),
                                        np.full(2, np.std(waiting) / 2))
        return weights, means, sds
        """,
        frozenset({"a3_q6_test"}),
        "components returned in the order EM found them, not by increasing mean",
        says="ordered by increasing mean",
    ),
    # ---- assignment 4 (issue 16): the multivariate E-step, M-step and clustering
    WrongAnswer(
        "wrong_2d_mvn_logpdf_sign", A4, "a4_q1_answer",
        """
        X = np.asarray(X, dtype=float)
        chol = np.linalg.cholesky(np.asarray(cov, dtype=float))
        z = scipy.linalg.solve_triangular(chol, (X - np.asarray(mean, dtype=float)).T, lower=True)
        return -0.5 * X.shape[1] * np.log(2 * np.pi) - np.sum(np.log(np.diag(chol))) + 0.5 * np.sum(z**2, axis=0)
        """,
        frozenset({"a4_q1_test", "a4_q2_test", "a4_q5_test"}),
        "+ z.z/2 instead of - z.z/2 (e_step and faithful_clusters build on it)",
        says="-d/2 log(2 pi) - sum_j log L_jj - z.z/2",
    ),
    WrongAnswer(
        "wrong_2d_mvn_logpdf_inverse_and_det", A4, "a4_q1_answer",
        """
        X = np.asarray(X, dtype=float)
        cov = np.asarray(cov, dtype=float)
        diff = X - np.asarray(mean, dtype=float)
        quadratic = np.einsum("ij,jk,ik->i", diff, np.linalg.inv(cov), diff)
        return -0.5 * X.shape[1] * np.log(2 * np.pi) - 0.5 * np.log(np.linalg.det(cov)) - 0.5 * quadratic
        """,
        frozenset({"a4_q1_test"}),
        "explicit inverse (fine here) and log(det(cov)): -inf when det underflows (data in tiny units)",
        says="det(cov) underflows to 0",
    ),
    WrongAnswer(
        "wrong_2d_mvn_logpdf_calls_mixlib", A4, "a4_q1_answer",
        """
        return mv.logpdf(X, mv.MultivariateParams([1.0], [mean], [cov]))
        """,
        frozenset({"a4_q1_test", "a4_q2_test", "a4_q5_test"}),
        "calls mixlib.multivariate.logpdf (e_step and faithful_clusters build on it)",
        says="mixlib's numerics are switched off",
    ),
    WrongAnswer(
        "wrong_2d_e_step_ratio_of_pdfs", A4, "a4_q2_answer",
        """
        X = np.asarray(X, dtype=float)
        dens = np.column_stack([w * np.exp(mvn_logpdf(X, m, c)) for w, m, c in zip(weights, means, covariances)])
        total = dens.sum(axis=1, keepdims=True)
        return dens / total, float(np.log(total).sum())
        """,
        frozenset({"a4_q2_test"}),
        "responsibilities as a ratio of pdfs: 0/0 far from every component",
        says="is 0/0",
    ),
    WrongAnswer(
        "wrong_2d_e_step_without_weights", A4, "a4_q2_answer",
        """
        X = np.asarray(X, dtype=float)
        log_terms = np.column_stack([mvn_logpdf(X, m, c) for m, c in zip(means, covariances)])
        top = log_terms.max(axis=1, keepdims=True)
        log_p = top + np.log(np.exp(log_terms - top).sum(axis=1, keepdims=True))
        return np.exp(log_terms - log_p), float(log_p.sum())
        """,
        frozenset({"a4_q2_test", "a4_q5_test"}),
        "log-terms without log w_k (faithful_clusters builds on it)",
        says="with the weights",
    ),
    WrongAnswer(
        "wrong_2d_e_step_normalised_over_points", A4, "a4_q2_answer",
        """
        X = np.asarray(X, dtype=float)
        log_terms = np.column_stack([np.log(w) + mvn_logpdf(X, m, c) for w, m, c in zip(weights, means, covariances)])
        top = log_terms.max(axis=0, keepdims=True)
        log_p = top + np.log(np.exp(log_terms - top).sum(axis=0, keepdims=True))
        return np.exp(log_terms - log_p), float(log_p.sum())
        """,
        frozenset({"a4_q2_test", "a4_q5_test"}),
        "log-sum-exp over the points (axis 0) instead of the components (faithful_clusters builds on it)",
        says="or rows do not sum to 1",
    ),
    WrongAnswer(
        "wrong_2d_e_step_mean_loglik", A4, "a4_q2_answer",
        """
        X = np.asarray(X, dtype=float)
        log_terms = np.column_stack([np.log(w) + mvn_logpdf(X, m, c) for w, m, c in zip(weights, means, covariances)])
        top = log_terms.max(axis=1, keepdims=True)
        log_p = top + np.log(np.exp(log_terms - top).sum(axis=1, keepdims=True))
        return np.exp(log_terms - log_p), float(log_p.mean())
        """,
        frozenset({"a4_q2_test", "a4_q5_test"}),
        "the mean log-density instead of the total log-likelihood (faithful_clusters' EM then stops too early)",
        says="the sum, not the mean",
    ),
    WrongAnswer(
        "wrong_2d_e_step_calls_mixlib", A4, "a4_q2_answer",
        """
        params = mv.MultivariateParams(weights, means, covariances)
        return mv.responsibilities(X, params), mv.log_likelihood(X, params)
        """,
        frozenset({"a4_q2_test", "a4_q5_test"}),
        "calls mixlib.multivariate.responsibilities (faithful_clusters builds on it)",
        says="mixlib's numerics are switched off",
    ),
    WrongAnswer(
        "wrong_2d_m_step_divided_by_n", A4, "a4_q3_answer",
        """
        X = np.asarray(X, dtype=float)
        resp = np.asarray(resp, dtype=float)
        mass = resp.sum(axis=0)
        means = (resp.T @ X) / mass[:, np.newaxis]
        covariances = np.array([(resp[:, k, np.newaxis] * (X - means[k])).T @ (X - means[k]) / X.shape[0]
                                for k in range(resp.shape[1])])
        return mass / X.shape[0], means, covariances
        """,
        frozenset({"a4_q3_test", "a4_q5_test"}),
        "covariances divided by n instead of N_k (faithful_clusters builds on it)",
        says="not by n",
    ),
    WrongAnswer(
        "wrong_2d_m_step_unbiased", A4, "a4_q3_answer",
        """
        X = np.asarray(X, dtype=float)
        resp = np.asarray(resp, dtype=float)
        mass = resp.sum(axis=0)
        means = (resp.T @ X) / mass[:, np.newaxis]
        covariances = np.array([(resp[:, k, np.newaxis] * (X - means[k])).T @ (X - means[k]) / (mass[k] - 1)
                                for k in range(resp.shape[1])])
        return mass / X.shape[0], means, covariances
        """,
        frozenset({"a4_q3_test", "a4_q5_test"}),
        "the 'unbiased' N_k - 1 in the covariances (faithful_clusters builds on it)",
        says="not N_k - 1",
    ),
    WrongAnswer(
        "wrong_2d_m_step_raw_second_moment", A4, "a4_q3_answer",
        """
        X = np.asarray(X, dtype=float)
        resp = np.asarray(resp, dtype=float)
        mass = resp.sum(axis=0)
        means = (resp.T @ X) / mass[:, np.newaxis]
        covariances = np.array([(resp[:, k, np.newaxis] * X).T @ X / mass[k] - np.outer(means[k], means[k])
                                for k in range(resp.shape[1])])
        return mass / X.shape[0], means, covariances
        """,
        frozenset({"a4_q3_test"}),
        "covariance as E[x x^T] - mu mu^T, forbidden by the prompt: every digit lost for data near 1e8",
        says="E[x x^T] - mu mu^T subtracts",
    ),
    WrongAnswer(
        "wrong_2d_m_step_unnormalised_weights", A4, "a4_q3_answer",
        """
        X = np.asarray(X, dtype=float)
        resp = np.asarray(resp, dtype=float)
        mass = resp.sum(axis=0)
        means = (resp.T @ X) / mass[:, np.newaxis]
        covariances = np.array([(resp[:, k, np.newaxis] * (X - means[k])).T @ (X - means[k]) / mass[k]
                                for k in range(resp.shape[1])])
        return mass, means, covariances
        """,
        frozenset({"a4_q3_test"}),
        "weights N_k, not N_k / n (the responsibilities do not change, so the clustering survives)",
        says="w_k = N_k / n",
    ),
    WrongAnswer(
        "wrong_2d_uncertainty_min_r", A4, "a4_q4_answer",
        '''
        def hard_assignments(resp):
            return np.argmax(np.asarray(resp, dtype=float), axis=1)


        def assignment_uncertainty(resp):
            return np.min(np.asarray(resp, dtype=float), axis=1)
        ''',
        frozenset({"a4_q4_test"}),
        "uncertainty as the smallest responsibility: right for K = 2 only (a whole cell: its second answer)",
        whole_cell=True,
        says="equals the smallest responsibility only when K = 2",
    ),
    WrongAnswer(
        "wrong_2d_hard_assignments_over_points", A4, "a4_q4_answer",
        """
        return np.argmax(np.asarray(resp, dtype=float), axis=0)
        """,
        frozenset({"a4_q4_test", "a4_q5_test"}),
        "argmax over the points (axis 0): one label per component (faithful_clusters builds on it)",
        says="one label per point (row), not per component",
    ),
    WrongAnswer(
        "wrong_2d_hard_assignments_from_one", A4, "a4_q4_answer",
        """
        return np.argmax(np.asarray(resp, dtype=float), axis=1) + 1
        """,
        frozenset({"a4_q4_test", "a4_q5_test"}),
        "labels 1 .. K instead of 0 .. K-1 (faithful_clusters builds on it)",
        says="counted from 0",
    ),
    WrongAnswer(
        "wrong_2d_faithful_unordered", A4, "a4_q5_answer",
        """
        data = np.asarray(data, dtype=float)
        Z = (data - data.mean(axis=0)) / data.std(axis=0)
        weights, means = np.full(2, 0.5), np.quantile(Z, [0.25, 0.75], axis=0)  # the hint's start
        covariances = np.repeat(np.eye(2)[np.newaxis], 2, axis=0)
        resp, loglik = e_step(Z, weights, means, covariances)
        for _ in range(10_000):
            weights, means, covariances = m_step(Z, resp)
            old, (resp, loglik) = loglik, e_step(Z, weights, means, covariances)
            if abs(loglik - old) / Z.shape[0] < 1e-10:
                break
        return hard_assignments(resp), assignment_uncertainty(resp)
        """,
        frozenset({"a4_q5_test"}),
        "follows the hint's start and never relabels: label 0 is then the shorter eruptions, not the longer",
        says="label 0 must be the cluster of the longer eruptions",
    ),
    WrongAnswer(
        "wrong_2d_faithful_five_iterations", A4, "a4_q5_answer",
        """
        data = np.asarray(data, dtype=float)
        Z = (data - data.mean(axis=0)) / data.std(axis=0)
        weights, means = np.full(2, 0.5), np.quantile(Z, [0.25, 0.75], axis=0)
        covariances = np.repeat(np.eye(2)[np.newaxis], 2, axis=0)
        resp, _ = e_step(Z, weights, means, covariances)
        for _ in range(5):  # a fixed number of iterations, never checks convergence
            weights, means, covariances = m_step(Z, resp)
            resp, _ = e_step(Z, weights, means, covariances)
        resp = resp[:, np.argsort(-means[:, 0])]
        return hard_assignments(resp), assignment_uncertainty(resp)
        """,
        frozenset({"a4_q5_test"}),
        "five EM iterations, never checking convergence",
        says="less than 1e-10 per point",
    ),
]


# ---- correct answers written differently (issue 30): each keeps every point
RIGHT_ANSWERS = [
    WrongAnswer(
        "right_logpdf_loop_logaddexp", A1, "a1_q1_answer",
        """
        x = np.asarray(x, dtype=float)
        total = np.full(x.shape, -np.inf)
        for w, m, s in zip(weights, means, sds):  # one component at a time
            total = np.logaddexp(total, np.log(w) - np.log(s) - 0.5 * np.log(2 * np.pi) - 0.5 * ((x - m) / s) ** 2)
        return total
        """,
        frozenset(), "a loop over the components with np.logaddexp",
    ),
    WrongAnswer(
        "right_logpdf_scipy_and_matplotlib", A1, "a1_q1_answer",
        '''
        import matplotlib.pyplot as plt
        from scipy import stats
        from scipy.special import logsumexp


        def mixture_logpdf(x, weights, means, sds):
            """scipy's log-densities and logsumexp; matplotlib imported for the student's own plots."""
            x = np.asarray(x, dtype=float)
            terms = [np.log(w) + stats.norm.logpdf(x, m, s) for w, m, s in zip(weights, means, sds)]
            return logsumexp(terms, axis=0)
        ''',
        frozenset(), "scipy.stats.norm.logpdf and scipy.special.logsumexp, with matplotlib imported in the cell",
        whole_cell=True,
    ),
    WrongAnswer(
        "right_sampler_loop_with_sklearn", A1, "a1_q3_answer",
        '''
        import sklearn.mixture  # the student's own comparison elsewhere


        def sample_mixture(weights, means, sds, n, rng):
            """Components first, then each value in a Python loop."""
            labels = rng.choice(len(weights), size=n, p=np.asarray(weights, dtype=float))
            values = np.empty(n)
            for i, k in enumerate(labels):
                values[i] = rng.normal(means[k], sds[k])
            return values
        ''',
        frozenset(), "a per-point loop, with scikit-learn imported in the cell",
        whole_cell=True,
    ),
    WrongAnswer(
        "right_negloglik_logsumexp", A2, "a2_q2_answer",
        """
        from scipy.special import logsumexp
        theta = np.asarray(theta, dtype=float)
        log_w = -np.logaddexp(0.0, [-theta[4], theta[4]])
        x = np.asarray(x, dtype=float)
        terms = [lw - theta[2 + k] - 0.5 * np.log(2 * np.pi) - 0.5 * ((x - theta[k]) / np.exp(theta[2 + k])) ** 2
                 for k, lw in enumerate(log_w)]
        return -float(np.sum(logsumexp(terms, axis=0)))
        """,
        frozenset(), "scipy.special.logsumexp over a list of log-terms",
    ),
    WrongAnswer(
        "right_has_converged_numpy_bool", A3, "a3_q3_answer",
        """
        return np.abs(np.float64(loglik_new) - loglik_old) / n < tol  # a numpy bool, np.True_ or np.False_
        """,
        frozenset(), "returns np.bool_ (np.True_), not a Python bool",
    ),
    WrongAnswer(
        "right_e_step_logsumexp", A3, "a3_q1_answer",
        """
        from scipy.special import logsumexp
        from scipy.stats import norm
        x = np.asarray(x, dtype=float)
        log_terms = np.log(np.asarray(weights, dtype=float)) + norm.logpdf(x[:, None], means, sds)
        log_p = logsumexp(log_terms, axis=1, keepdims=True)
        return np.exp(log_terms - log_p), float(np.sum(log_p))
        """,
        frozenset(), "scipy.stats.norm.logpdf and scipy.special.logsumexp",
    ),
    WrongAnswer(
        "right_2d_logpdf_cho_factor", A4, "a4_q1_answer",
        """
        X = np.asarray(X, dtype=float)
        c, lower = scipy.linalg.cho_factor(np.asarray(cov, dtype=float), lower=True)
        L = np.tril(c)
        z = scipy.linalg.solve_triangular(L, (X - np.asarray(mean, dtype=float)).T, lower=True)
        return -0.5 * X.shape[1] * np.log(2 * np.pi) - np.log(np.diag(L)).sum() - 0.5 * (z * z).sum(axis=0)
        """,
        frozenset(), "scipy.linalg.cho_factor and solve_triangular",
    ),
]

# ---- attempts to cheat (issue 30): each loses its points, or is flagged in the suspicious report, or both
CHEATS = [
    WrongAnswer(
        "cheat_patches_allclose", A1, "a1_q1_answer",
        '''
        np.allclose = lambda *args, **kwargs: True
        np.isclose = lambda *args, **kwargs: np.True_


        def mixture_logpdf(x, weights, means, sds):
            """Garbage, hoping the tests' comparisons now always agree."""
            return np.zeros(np.shape(x))
        ''',
        frozenset({"a1_q1_test", "a1_q2_test", "a1_q3_test"}),
        "replaces np.allclose / np.isclose, then returns garbage: every later test scores zero",
        whole_cell=True, says="your code changed what the tests use", flagged="patches a module (np.allclose",
    ),
    WrongAnswer(
        "cheat_reads_test_globals", A1, "a1_q1_answer",
        """
        found = globals().get("expected")  # the test cell's own reference, if it is there
        return np.asarray(found, dtype=float) if np.shape(found) == np.shape(x) else np.zeros(np.shape(x))
        """,
        frozenset({"a1_q1_test", "a1_q2_test"}),
        "returns the test cell's variable 'expected' from the notebook's globals",
        flagged="reads the notebook's globals",
    ),
    WrongAnswer(
        "cheat_reads_caller_frames", A1, "a1_q2_answer",
        """
        import sys
        frame = sys._getframe(1)
        while frame is not None:  # walk up to a frame that holds the test's reference
            scopes = [frame.f_locals] + [v for v in list(frame.f_locals.values()) if isinstance(v, dict)]
            for scope in scopes:
                if isinstance(scope.get("expected"), float):
                    return scope["expected"]
            frame = frame.f_back
        return 0.0
        """,
        frozenset({"a1_q2_test"}),
        "walks up the stack for the test's reference",
        flagged="reads stack frames (sys._getframe)",
    ),
    WrongAnswer(
        "cheat_loads_mixlib_source", A1, "a1_q1_answer",
        '''
        import importlib.util

        _spec = importlib.util.spec_from_file_location("mixlib._density_copy", mixlib.density.__file__)
        _density = importlib.util.module_from_spec(_spec)
        _spec.loader.exec_module(_density)  # a private copy of mixlib.density: not switched off


        def mixture_logpdf(x, weights, means, sds):
            """mixlib's own code, loaded from its file."""
            return _density.logpdf(x, mixlib.MixtureParams(weights, means, sds))
        ''',
        frozenset({"a1_q1_test", "a1_q2_test", "a1_q3_test"}),
        "loads mixlib/density.py through importlib to escape the switch-off",
        whole_cell=True, says="loaded mixlib's own code again", flagged="importlib",
    ),
    WrongAnswer(
        "cheat_private_mixlib_module", A3, "a3_q1_answer",
        """
        from types import SimpleNamespace
        from mixlib import _em_pass  # a private module that the old switch-off missed
        x = np.asarray(x, dtype=float)
        w, m, s = (np.asarray(v, dtype=float) for v in (weights, means, sds))
        logs = (np.log(w) - np.log(s) - 0.5 * np.log(2 * np.pi))[:, None] - 0.5 * ((x[None, :] - m[:, None]) / s[:, None]) ** 2
        buf = SimpleNamespace(shift=np.empty(x.size), total=np.empty(x.size), blocks=np.empty(x.size))
        loglik = _em_pass._responsibilities_general(logs, buf, x.size)  # mixlib's own E-step kernel
        return logs.T.copy(), loglik
        """,
        frozenset({"a3_q1_test", "a3_q4_test", "a3_q6_test"}),
        "computes the E-step with the private mixlib._em_pass, which the old switch-off missed",
        says="mixlib's numerics are switched off", flagged="private mixlib module",
    ),
    WrongAnswer(
        "cheat_patches_mixlib_reference", A3, "a3_q2_answer",
        '''
        import mixlib.em

        mixlib.em.em_step.__code__ = (lambda x, params: params).__code__  # the tests' reference, broken


        def m_step(x, resp):
            """Garbage that the broken reference would have matched."""
            mass = np.asarray(resp, dtype=float).sum(axis=0)
            return mass, mass, mass
        ''',
        frozenset({"a3_q2_test", "a3_q3_test", "a3_q4_test", "a3_q6_test"}),
        "overwrites the code of mixlib.em_step, the tests' reference: this test and every later one fail",
        whole_cell=True, says="your code changed what the tests use", flagged="uses __code__",
    ),
    WrongAnswer(
        "cheat_scipy_multivariate_normal", A4, "a4_q1_answer",
        """
        return scipy.stats.multivariate_normal(mean, cov).logpdf(np.asarray(X, dtype=float)).reshape(-1)
        """,
        frozenset({"a4_q1_test", "a4_q2_test", "a4_q5_test"}),
        "scipy.stats.multivariate_normal, which assignment 4 rules out (it is the tests' reference)",
        says="scipy.stats.multivariate_normal is switched off", flagged="multivariate_normal",
    ),
    WrongAnswer(
        "wrong_2d_mvn_logpdf_log_of_pdf", A4, "a4_q1_answer",
        """
        return np.log(scipy.stats.multivariate_normal(mean, cov).pdf(X))
        """,
        frozenset({"a4_q1_test", "a4_q2_test", "a4_q5_test"}),
        "log of scipy's pdf: scipy.stats.multivariate_normal, which assignment 4 rules out (e_step and"
        " faithful_clusters build on it)",
        says="scipy.stats.multivariate_normal is switched off", flagged="multivariate_normal",
    ),
    WrongAnswer(
        "cheat_blanks_test_cells", A2, "a2_q1_answer",
        '''
        get_ipython().input_transformers_post.append(
            lambda lines: [] if lines and lines[0].startswith("# Tests for") else lines)


        def to_theta(weights, means, sds):
            """Nothing: the test cells are emptied before they run."""
            return np.zeros(5)


        def from_theta(theta):
            return np.zeros(2), np.zeros(2), np.zeros(2)
        ''',
        frozenset(),
        "empties every later test cell through IPython's input transformers: the kernel cannot catch this;"
        " the report must",
        whole_cell=True, flagged="uses IPython's machinery",
    ),
    # ---- attempts to leak the hidden tests into the feedback (their cells may keep or lose points)
    WrongAnswer(
        "leak_prints_input_history", A1, "a1_q1_answer",
        """
        print("LE" + "AK:", globals()["_ih"][-1], x)  # the running test cell's source, and its data
        x = np.asarray(x, dtype=float)
        weights, means, sds = (np.asarray(v, dtype=float) for v in (weights, means, sds))
        z = (x[np.newaxis, :] - means[:, np.newaxis]) / sds[:, np.newaxis]
        log_terms = (np.log(weights) - np.log(sds) - 0.5 * np.log(2 * np.pi))[:, np.newaxis] - 0.5 * z**2
        top = log_terms.max(axis=0)
        return top + np.log(np.exp(log_terms - top).sum(axis=0))
        """,
        frozenset(),
        "prints the running test cell's source and data, and answers right",
        flagged="reads the notebook's globals",
    ),
    WrongAnswer(
        "leak_raises_input_history", A1, "a1_q3_answer",
        """
        raise AssertionError("LE" + "AK:" + "".join(_ih))  # every cell's source so far, hidden tests included
        """,
        frozenset({"a1_q3_test"}),
        "raises an AssertionError holding the input history",
        flagged="reads IPython's input/output history (_ih)",
    ),
    WrongAnswer(
        "leak_history_in_later_cell", A2, "a2_q5_answer",
        '''
        print("LE" + "AK:", "".join(In))  # an answer cell after hidden tests have run


        def standard_errors(theta_hat, x, step=1e-5):
            """Raises with the hidden data it is given."""
            raise ValueError("LE" + "AK:" + repr(np.asarray(x)[:20]))
        ''',
        frozenset({"a2_q5_test"}),
        "prints the input history in a later answer cell and raises with the hidden data",
        whole_cell=True, flagged="reads IPython's input/output history (In)",
    ),
    WrongAnswer(
        "cheat_writes_course_files", A1, "a1_q2_answer",
        '''
        import os

        _here = os.path.abspath(os.getcwd())
        for _folder in [_here, *list(__import__("pathlib").Path(_here).parents)]:
            try:  # the course root (gradebook.db, source/ with the solutions) is somewhere up there
                with open(os.path.join(_folder, "HACKED"), "w") as _file:
                    _file.write("student code wrote here")
            except OSError:
                pass


        def log_likelihood(x, weights, means, sds):
            """Right, after trying to write into every folder above the notebook."""
            return float(np.sum(mixture_logpdf(x, weights, means, sds)))
        ''',
        frozenset(),
        "writes files into the folders above the notebook: the sandbox gives it an empty private /tmp instead",
        whole_cell=True, flagged="the operating system (os)",
    ),
]


def with_wrong_answer(solution: nbformat.NotebookNode, wrong: WrongAnswer) -> nbformat.NotebookNode:
    """A copy of the solution notebook with the solution code of one answer cell replaced."""
    nb = nbformat.from_dict(solution)
    cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == wrong.cell]
    if len(cells) != 1:
        raise LookupError(f"{wrong.assignment}: no single answer cell {wrong.cell!r}")
    cell = cells[0]
    code = textwrap.dedent(wrong.code).strip("\n")
    if wrong.whole_cell:
        cell.source = code
    else:
        match = SOLUTION_REGION.search(cell.source)
        if match is None:
            raise LookupError(f"{wrong.cell}: no ### BEGIN SOLUTION / ### END SOLUTION region")
        indent = re.match(r"[ \t]*", match.group(0)).group(0)
        cell.source = cell.source[: match.start()] + textwrap.indent(code, indent) + cell.source[match.end():]
    cell.outputs = []
    cell.execution_count = None
    return nb


# Run by the grader environment's python (nbgrader is not importable from .venv): prints the
# score of every graded cell of every submission as JSON.
GRADEBOOK_DUMP = """
import json, sys
from nbgrader.api import Gradebook
scores = {}
with Gradebook(sys.argv[1]) as gb:
    for assignment in gb.assignments:
        for submission in gb.assignment_submissions(assignment.name):
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    scores.setdefault(assignment.name, {}).setdefault(submission.student.id, {})[grade.name] = {
                        "cell_type": grade.cell_type, "auto_score": grade.auto_score, "max_score": grade.max_score}
json.dump(scores, sys.stdout)
"""


def normalised(nb: nbformat.NotebookNode) -> str:
    """A notebook as canonical JSON text, for comparing release copies."""
    return nbformat.writes(nbformat.from_dict(nb), version=4)


# ---- the visible tests teach (issue 34): each question's visible test, which the student runs while
# working, fails on that question's central slip and says what it tried. A slip is a wrong answer of
# the catalogue above (by its student id) or one of VISIBLE_ONLY below, with the phrase the visible
# test's message must contain.
VISIBLE_SAYS = {
    "wrong_logpdf_log_of_pdf": "the log of the summed density",
    "wrong_logpdf_global_shift": "one shift for all points",
    "wrong_logpdf_two_components_only": "right for K = 2 but wrong for K = 3",
    "wrong_logpdf_weights_not_logged": "log w_k, not w_k",
    "wrong_loglik_log_of_pdf": "a point far from every component (x = 12)",
    "wrong_loglik_mean": "the sum, not the mean",
    "wrong_sampler_variance_as_scale": "the variances, not the standard deviations",
    "wrong_sampler_global_random": "not from np.random",
    "wrong_sampler_fixed_counts": "the same in every sample",
    "wrong_from_theta_weights_swapped": "from_theta's weights are wrong",
    "wrong_negloglik_log_of_pdf": "np.log of the summed density",
    "wrong_negloglik_global_shift": "one shift for all points",
    "wrong_negloglik_overflowing_weights": "extreme weight",
    "wrong_negloglik_sign": "wrong sign",
    "wrong_gradient_sign": "wrong sign",
    "wrong_standard_errors_inverse_of_diagonal": "1 / sqrt(diag(H))",
    "wrong_m_step_raw_second_moment": "E[x^2] - mu^2",
    "wrong_m_step_off_by_one_dof": "not N_k - 1",
    "wrong_converged_not_per_point": "divide the change by n",
    "wrong_em_fit_history_without_start": "history[0] must be the log-likelihood at the start",
    "wrong_em_fit_ignores_convergence": "stop (break) when it returns True",
    "wrong_e_step_transposed": "one row per point",
    "wrong_e_step_ratio_of_pdfs": "the ratio is 0/0",
    "wrong_e_step_global_shift": "one shift for all points",
    "wrong_faithful_hard_coded_start": "never numbers typed in minutes",
    "wrong_2d_m_step_raw_second_moment": "E[x x^T] - mu mu^T",
    "wrong_2d_mvn_logpdf_log_of_pdf": "never take the log of the density",
    "wrong_2d_mvn_logpdf_inverse_and_det": "det(cov) underflows to 0",
    "wrong_2d_e_step_ratio_of_pdfs": "the ratio is 0/0",
    "wrong_2d_uncertainty_min_r": "only when K = 2",
    "wrong_2d_faithful_unordered": "label 0 must be the cluster of the longer eruptions",
    # the final referee's slips (docs/reviews/coursework.md, "Referee of the final text")
    "wrong_gradient_resp_as_ratio": "not as a ratio of pdfs",
    "wrong_fit_without_gradient": "pass jac=negloglik_grad",
}

VISIBLE_ONLY = [
    WrongAnswer(
        "slip_standard_errors_means_only", A2, "a2_q5_answer",
        """
        theta_hat = np.asarray(theta_hat, dtype=float)
        hess = np.empty((theta_hat.size, theta_hat.size))
        for j in range(theta_hat.size):
            delta = np.zeros(theta_hat.size)
            delta[j] = step
            hess[:, j] = (negloglik_grad(theta_hat + delta, x) - negloglik_grad(theta_hat - delta, x)) / (2 * step)
        se = np.sqrt(np.diag(np.linalg.inv(0.5 * (hess + hess.T))))
        return np.concatenate([se[:2], np.zeros(3)])  # only the means' standard errors filled in
        """,
        frozenset({"a2_q5_test"}), "zero standard errors for the log-sds and the logit",
        says="log sd2",
    ),
    WrongAnswer(
        "slip_standard_errors_gradient_wrong", A2, "a2_q3_answer",
        """
        weights, means, sds = from_theta(theta)
        x = np.asarray(x, dtype=float)
        z = (x[np.newaxis, :] - means[:, np.newaxis]) / sds[:, np.newaxis]
        log_terms = (np.log(weights) - np.log(sds) - 0.5 * np.log(2 * np.pi))[:, np.newaxis] - 0.5 * z**2
        top = np.maximum(log_terms[0], log_terms[1])
        log_p = top + np.log(np.exp(log_terms[0] - top) + np.exp(log_terms[1] - top))
        resp = np.exp(log_terms - log_p)
        grad_means = (resp * z).sum(axis=1)  # the 1 / sigma_k forgotten
        grad_log_sds = (resp * (z**2 - 1)).sum(axis=1)
        grad_logit = resp[0].sum() - x.size * weights[0]
        return -np.concatenate([grad_means, grad_log_sds, [grad_logit]])
        """,
        frozenset({"a2_q3_test", "a2_q4_test", "a2_q5_test"}), "gradient without 1/sigma_k: Q5 must say fix Q3 first",
        says="fix Question 3 first",
    ),    WrongAnswer(
        "slip_standard_errors_no_sqrt", A2, "a2_q5_answer",
        """
        theta_hat = np.asarray(theta_hat, dtype=float)
        hess = np.empty((theta_hat.size, theta_hat.size))
        for j in range(theta_hat.size):
            delta = np.zeros(theta_hat.size)
            delta[j] = step
            hess[:, j] = (negloglik_grad(theta_hat + delta, x) - negloglik_grad(theta_hat - delta, x)) / (2 * step)
        return np.diag(np.linalg.inv(0.5 * (hess + hess.T)))  # the variances: the square root forgotten
        """,
        frozenset({"a2_q5_test"}), "diag(inv(H)): inverted H, forgot the square root",
        says="forgot the square root",
    ),
    WrongAnswer(
        "slip_standard_errors_one_over_diagonal", A2, "a2_q5_answer",
        """
        theta_hat = np.asarray(theta_hat, dtype=float)
        hess = np.empty((theta_hat.size, theta_hat.size))
        for j in range(theta_hat.size):
            delta = np.zeros(theta_hat.size)
            delta[j] = step
            hess[:, j] = (negloglik_grad(theta_hat + delta, x) - negloglik_grad(theta_hat - delta, x)) / (2 * step)
        return 1 / np.diag(hess)  # only the diagonal inverted, and no square root
        """,
        frozenset({"a2_q5_test"}), "1 / diag(H): inverts only the diagonal, no square root",
        says="one over H's diagonal: that inverts only the diagonal",
    ),
    WrongAnswer(
        "slip_2d_faithful_no_convergence_test", A4, "a4_q5_answer",
        """
        data = np.asarray(data, dtype=float)
        Z = (data - data.mean(axis=0)) / data.std(axis=0)
        weights, means = np.full(2, 0.5), np.quantile(Z, [0.25, 0.75], axis=0)
        covariances = np.repeat(np.eye(2)[np.newaxis], 2, axis=0)
        resp, _ = e_step(Z, weights, means, covariances)
        for _ in range(40):  # a fixed number of iterations, enough to be close, never checks convergence
            weights, means, covariances = m_step(Z, resp)
            resp, _ = e_step(Z, weights, means, covariances)
        resp = resp[:, np.argsort(-means[:, 0])]
        return hard_assignments(resp), assignment_uncertainty(resp)
        """,
        frozenset({"a4_q5_test"}), "a fixed 40 EM iterations: close enough, but no convergence test",
        says="a loop without a convergence test",
    ),
    WrongAnswer(
        "slip_loglik_on_one_shift_logpdf", A1, "a1_q1_answer",
        next(w.code for w in WRONG_ANSWERS if w.student == "wrong_logpdf_global_shift"),
        frozenset({"a1_q1_test", "a1_q2_test"}),
        "a right log_likelihood on a one-shift mixture_logpdf: Q2 must say fix Q1 first",
        says="fix Question 1 first",
    ),
]

# Each slip has one message: the phrase a slip's message must not contain (another slip's advice).
VISIBLE_NOT = {
    "slip_standard_errors_no_sqrt": "Invert H first",
    "slip_standard_errors_one_over_diagonal": "1 / sqrt(diag(H))",
}
