# Two-component normal mixtures fitted by R's mixtools (normalmixEM) on R's own `faithful` data.
# The output, mixtools_faithful.json, is what notebooks/05_real_data_choosing_k.ipynb compares
# mixlib with; the notebook reads the JSON and does not need R.
#
# Run from the repository root:
#   Rscript notebooks/data/mixtools_faithful.R > notebooks/data/mixtools_faithful.json
#
# Note: with arbvar = TRUE, normalmixEM runs ECM, not plain EM: its sd.constr default makes
# `ECM` TRUE, so it recomputes the posteriors between the mean and the sd updates. With
# arbvar = FALSE it updates one pooled sd from the squared residuals about the means *before*
# the iteration's mean update (a slightly different step from exact EM, with the same fixed
# points). The log-likelihood after every iteration is recorded (all_log_likelihoods) so the
# notebook can replay both.
#
# Every fit starts from fixed values (below), so no random start is drawn; the seed is set anyway
# so that a change to a random start would still give the same file on every run.
suppressPackageStartupMessages(library(mixtools))
library(jsonlite)
set.seed(20240501)

epsilon <- 1e-8   # normalmixEM's default: stop when the log-likelihood rises by less than this
maxit <- 10000

starts <- list(
  waiting = list(lambda = c(0.5, 0.5), mu = c(55, 80), sigma = c(5, 5)),
  eruptions = list(lambda = c(0.5, 0.5), mu = c(2, 4.5), sigma = c(0.5, 0.5))
)

fit_one <- function(variable, arbvar) {
  x <- faithful[[variable]]
  s <- starts[[variable]]
  # With arbvar = FALSE there is one common sd: start it at the first start sd.
  sigma0 <- if (arbvar) s$sigma else s$sigma[1]
  # normalmixEM prints "number of iterations= ..." on stdout: keep it out of the JSON.
  invisible(capture.output(
    fit <- normalmixEM(x, lambda = s$lambda, mu = s$mu, sigma = sigma0, arbvar = arbvar,
                       epsilon = epsilon, maxit = maxit)
  ))
  # With arbvar = FALSE (and arbmean = TRUE) normalmixEM still reports one sd per component,
  # all equal.
  sds <- rep(fit$sigma, length.out = length(fit$mu))
  list(
    variable = variable,
    equal_sds = !arbvar,
    start = list(weights = s$lambda, means = s$mu, sds = rep(sigma0, 2)[1:2]),
    weights = fit$lambda,
    means = fit$mu,
    sds = sds,
    log_likelihood = fit$loglik,
    iterations = length(fit$all.loglik) - 1,
    all_log_likelihoods = fit$all.loglik,
    restarts = fit$restarts
  )
}

fits <- list()
for (variable in names(starts)) {
  for (arbvar in c(TRUE, FALSE)) {
    fits[[length(fits) + 1]] <- fit_one(variable, arbvar)
  }
}

out <- list(
  description = paste(
    "mixtools::normalmixEM fits of two-component normal mixtures to R's faithful data,",
    "from fixed starts; written by notebooks/data/mixtools_faithful.R"
  ),
  r_version = R.version.string,
  mixtools_version = as.character(packageVersion("mixtools")),
  epsilon = epsilon,
  maxit = maxit,
  data = list(
    n = nrow(faithful),
    waiting_sum = sum(faithful$waiting),
    eruptions_sum = sum(faithful$eruptions)
  ),
  fits = fits
)
cat(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), "\n")
