# MAP fits of one-dimensional normal mixtures by R's mclust with its default conjugate prior
# (priorControl(), Fraley and Raftery 2007) on R's own `faithful` data. The output,
# mclust_faithful_prior.json, is what notebooks/08_priors.ipynb compares mixlib with; the
# notebook reads the JSON and does not need R.
#
# Run from the repository root:
#   Rscript notebooks/data/mclust_faithful_prior.R > notebooks/data/mclust_faithful_prior.json
#
# Model "V" is mclust's name for one-dimensional components with unequal variances. mclust starts
# EM from a model-based hierarchical clustering (deterministic), and by default stops when the
# relative change in log-likelihood is below 1e-5: the K = 2 fit is recorded with that default
# and with a tight tolerance (1e-13), which reaches the maximum of the penalised likelihood.
# `loglik` is the log-likelihood at the MAP estimate (no prior term), and BIC is
# 2 loglik - df log(n) with df = 3K - 1, mclust's sign convention (larger is better).
suppressPackageStartupMessages(library(mclust))
library(jsonlite)
set.seed(20261130)

tight <- emControl(tol = c(1e-13, sqrt(.Machine$double.eps)))

fit_record <- function(fit) {
  list(
    G = fit$G,
    weights = unname(fit$parameters$pro),
    means = unname(fit$parameters$mean),
    variances = unname(fit$parameters$variance$sigmasq),
    log_likelihood = fit$loglik,
    bic = fit$bic,
    df = fit$df
  )
}

one_variable <- function(variable) {
  x <- faithful[[variable]]
  prior <- defaultPrior(x, G = 2, modelName = "V")
  map_default <- Mclust(x, G = 2, modelNames = "V", prior = priorControl(), verbose = FALSE)
  map_tight <- Mclust(x, G = 2, modelNames = "V", prior = priorControl(), control = tight,
                      verbose = FALSE)
  bic_prior <- mclustBIC(x, G = 1:7, modelNames = "V", prior = priorControl(), verbose = FALSE)
  bic_ml <- mclustBIC(x, G = 1:7, modelNames = "V", verbose = FALSE)
  list(
    variable = variable,
    default_prior_k2 = list(shrinkage = prior$shrinkage, mean = prior$mean, dof = prior$dof,
                            scale = prior$scale),
    map_k2_default_tol = fit_record(map_default),
    map_k2_tight_tol = fit_record(map_tight),
    bic_with_prior = unname(bic_prior[, "V"]),
    bic_without_prior = unname(bic_ml[, "V"]),
    ks = 1:7
  )
}

out <- list(
  description = paste(
    "mclust MAP fits (modelNames 'V', prior = priorControl()) and BIC over K = 1..7 with and",
    "without the prior, on R's faithful data; written by notebooks/data/mclust_faithful_prior.R"
  ),
  r_version = R.version.string,
  mclust_version = as.character(packageVersion("mclust")),
  default_tol = emControl()$tol[1],
  tight_tol = tight$tol[1],
  data = list(n = nrow(faithful), waiting_sum = sum(faithful$waiting),
              eruptions_sum = sum(faithful$eruptions)),
  fits = list(one_variable("waiting"), one_variable("eruptions"))
)
cat(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), "\n")
