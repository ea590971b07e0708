# MAP fits of two-dimensional normal mixtures by R's mclust with its default conjugate prior
# (priorControl(), Fraley and Raftery 2007) on R's own two-column `faithful` data, for the four
# covariance structures mixlib.multivariate shares with mclust. The output,
# mclust_faithful_prior_2d.json, is what tests/test_multivariate_prior.py compares
# mixlib.multivariate.fit_em(..., prior="default") with; the test reads the JSON, not R.
#
# Run from the repository root:
#   Rscript notebooks/data/mclust_faithful_prior_2d.R > notebooks/data/mclust_faithful_prior_2d.json
#
# Model names: VVV = "full", VVI = "diag", VII = "spherical", EEE = "tied". Mclust starts EM from
# a model-based hierarchical agglomeration (deterministic); each fit is recorded at a tight
# tolerance (1e-13), which reaches a maximum of the penalised likelihood. `loglik` is the
# log-likelihood at the MAP estimate (no prior term); BIC is mclust's 2 loglik - df log n
# (larger is better). Also recorded: mclust's M-step with the prior from fixed random
# responsibilities (mstep), which pins the update formulas whatever maximum EM reaches, and the
# default prior's hyperparameters.
suppressPackageStartupMessages(library(mclust))
library(jsonlite)
set.seed(20261206)

X <- as.matrix(faithful[, c("eruptions", "waiting")])
models <- c(full = "VVV", diag = "VVI", spherical = "VII", tied = "EEE")
tight <- emControl(tol = c(1e-13, sqrt(.Machine$double.eps)))
n <- nrow(X)
z <- matrix(runif(n * 3), n, 3)
z <- z / rowSums(z)

covariances <- function(sigma) lapply(seq_len(dim(sigma)[3]), function(k) sigma[, , k])

fits <- list()
for (structure in names(models)) {
  name <- models[[structure]]
  for (g in 2:3) {
    fit <- Mclust(X, G = g, modelNames = name, prior = priorControl(), control = tight,
                  verbose = FALSE)
    prior <- defaultPrior(X, G = g, modelName = name)
    fits[[length(fits) + 1]] <- list(
      covariance = structure, model = name, G = g,
      prior = list(shrinkage = prior$shrinkage, mean = unname(prior$mean), dof = prior$dof,
                   scale = unname(as.matrix(prior$scale))),
      weights = unname(fit$parameters$pro),
      means = unname(t(fit$parameters$mean)),
      covariances = covariances(unname(fit$parameters$variance$sigma)),
      log_likelihood = fit$loglik, bic = fit$bic, df = fit$df)
  }
}

steps <- list()
for (structure in names(models)) {
  name <- models[[structure]]
  step <- mstep(modelName = name, data = X, z = z, prior = priorControl())
  steps[[structure]] <- list(weights = unname(step$parameters$pro),
                             means = unname(t(step$parameters$mean)),
                             covariances = covariances(unname(step$parameters$variance$sigma)))
}

out <- list(
  description = paste(
    "mclust MAP fits (prior = priorControl()) of two-column faithful for models VVV, VVI, VII,",
    "EEE and G = 2, 3 at tol 1e-13, and one M-step with the prior from fixed responsibilities z;",
    "written by notebooks/data/mclust_faithful_prior_2d.R"),
  r_version = R.version.string,
  mclust_version = as.character(packageVersion("mclust")),
  tight_tol = tight$tol[1],
  data = list(n = n, eruptions_sum = sum(X[, 1]), waiting_sum = sum(X[, 2])),
  z = unname(z),
  fits = fits,
  msteps = steps
)
cat(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), "\n")
