# mclust's ICL (integrated completed likelihood) on R's two-column `faithful` data.
# The output, mclust_faithful_icl.json, is what notebooks/07_two_dimensions.ipynb and
# tests/test_multivariate_agreement.py compare mixlib.multivariate.icl with; neither needs R.
#
# Run from the repository root:
#   Rscript notebooks/data/mclust_faithful_icl.R > notebooks/data/mclust_faithful_icl.json
#
# mclust's ICL (Biernacki, Celeux and Govaert 2000) is its BIC plus 2 sum_i log max_k z_ik,
# on mclust's larger-is-better scale (mixlib's icl is its negative). mclustICL fits every model
# name for every G from mclust's deterministic hierarchical-agglomeration start, as mclustBIC
# does; for the four structures mixlib fits (VVV = full, VVI = diag, VII = spherical,
# EEE = tied) the script also stores each fit's parameters and mclust's log-likelihood, BIC and
# ICL evaluated at exactly those parameters, so that mixlib's can be compared at the same point.
suppressPackageStartupMessages(library(mclust))
library(jsonlite)
set.seed(20240501)

X <- faithful[, c("eruptions", "waiting")]
models <- c(full = "VVV", diag = "VVI", spherical = "VII", tied = "EEE")
G <- 1:4
TIGHT <- c(1e-12, 1e-8)   # emControl's tol: relative change in log L; the second is the inner loop of the
                          # iterative M-steps (VEI, VEE, EVE, VVE, VEV), not used by the four compared

icl_all <- mclustICL(X, G = G)          # every mclust model name, G = 1..4
best <- summary(icl_all)                # the three best by ICL

fits <- list()
for (structure in names(models)) {
  name <- models[[structure]]
  for (g in G) {
    fit <- Mclust(X, G = g, modelNames = name)
    sigma <- fit$parameters$variance$sigma
    # mclust's reported loglik and z are not evaluated at the parameters it returns (there the
    # log-likelihood is slightly higher, as if they were one M-step behind); one more E-step
    # (mclust's estep) at the returned parameters, then mclust's own bic and icl, gives the
    # criteria at exactly these estimates.
    e <- estep(data = X, modelName = name, parameters = fit$parameters)
    at <- fit
    at$loglik <- e$loglik
    at$z <- if (g == 1) matrix(1, nrow(X), 1) else e$z
    at$bic <- bic(name, e$loglik, nrow(X), ncol(X), g)
    # the same fit with a tight tolerance (mclust's default stops at a relative change of
    # 1e-5): how much of a gap to mixlib is mclust's stopping rule, not another maximum
    tight <- Mclust(X, G = g, modelNames = name, control = emControl(tol = TIGHT))
    fits[[length(fits) + 1]] <- list(
      structure = structure, model = name, G = g,
      icl = icl_all[as.character(g), name], icl_of_fit = icl(fit), bic = fit$bic,
      log_likelihood = fit$loglik, n_parameters = fit$df,
      at_estimates = list(log_likelihood = at$loglik, bic = at$bic, icl = icl(at)),
      tight_tolerance = list(log_likelihood = tight$loglik, bic = tight$bic, icl = icl(tight)),
      weights = if (g == 1) list(1) else unname(fit$parameters$pro),
      means = unname(t(fit$parameters$mean)),
      covariances = lapply(seq_len(g), function(j) unname(sigma[, , j]))
    )
  }
}

table_all <- list()
for (name in colnames(icl_all)) {
  table_all[[name]] <- unname(icl_all[, name])
}

out <- list(
  description = paste("mclust::mclustICL and Mclust fits on R's faithful data",
                      "(eruptions, waiting), G = 1..4; written by notebooks/data/mclust_faithful_icl.R"),
  r_version = R.version.string,
  mclust_version = as.character(packageVersion("mclust")),
  icl_convention = "BIC + 2 sum_i log max_k z_ik, BIC = 2 log L - p log n (larger is better)",
  data = list(n = nrow(X), eruptions_sum = sum(X$eruptions), waiting_sum = sum(X$waiting)),
  G = G,
  icl_all_models = table_all,
  best_icl = list(models = names(best), values = unname(as.numeric(best))),
  tight_tolerance = TIGHT,
  four_structures = fits
)
cat(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE, na = "null"), "\n")
