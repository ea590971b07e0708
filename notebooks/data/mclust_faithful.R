# Gaussian mixtures fitted by R's mclust (Mclust) on R's own two-column `faithful` data.
# The output, mclust_faithful.json, is what notebooks/07_two_dimensions.ipynb compares mixlib's
# BIC choices with; the notebook reads the JSON and does not need R.
#
# Run from the repository root:
#   Rscript notebooks/data/mclust_faithful.R > notebooks/data/mclust_faithful.json
#
# mclust's BIC is 2 log L - p log n: LARGER is better (mixlib's bic is its negative).
# Its model names for the four structures of scikit-learn and mixlib.multivariate:
# VVV = "full", VVI = "diag", VII = "spherical", EEE = "tied". Mclust starts EM from a
# model-based hierarchical agglomeration (deterministic), so no seed matters; it is set anyway.
suppressPackageStartupMessages(library(mclust))
library(jsonlite)
set.seed(20240501)

X <- faithful[, c("eruptions", "waiting")]
models <- c(full = "VVV", diag = "VVI", spherical = "VII", tied = "EEE")
G <- 1:5

all_models <- mclustBIC(X, G = G)                     # every mclust model name
best <- Mclust(X, G = G, x = all_models)              # the overall choice by BIC
ours <- Mclust(X, G = G, modelNames = unname(models))  # restricted to the four structures

table_for <- function(bic) {
  rows <- list()
  for (structure in names(models)) {
    name <- models[[structure]]
    for (g in G) {
      value <- bic[as.character(g), name]
      fit <- Mclust(X, G = g, modelNames = name)
      rows[[length(rows) + 1]] <- list(
        structure = structure, model = name, G = g, bic = value,
        log_likelihood = if (is.null(fit)) NA else fit$loglik,
        n_parameters = if (is.null(fit)) NA else fit$df
      )
    }
  }
  rows
}

describe <- function(fit) {
  list(model = fit$modelName, G = fit$G, bic = fit$bic, log_likelihood = fit$loglik,
       n_parameters = fit$df, weights = unname(fit$parameters$pro),
       means = unname(t(fit$parameters$mean)),
       covariances = lapply(seq_len(fit$G), function(j) unname(fit$parameters$variance$sigma[, , j])))
}

out <- list(
  description = paste("mclust::Mclust fits of Gaussian mixtures to R's faithful data",
                      "(eruptions, waiting), G = 1..5; written by notebooks/data/mclust_faithful.R"),
  r_version = R.version.string,
  mclust_version = as.character(packageVersion("mclust")),
  bic_convention = "2 log L - p log n (larger is better)",
  data = list(n = nrow(X), eruptions_sum = sum(X$eruptions), waiting_sum = sum(X$waiting)),
  best_overall = describe(best),
  best_of_four = c(describe(ours), list(structure = names(models)[models == ours$modelName])),
  table = table_for(all_models)
)
cat(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE, na = "null"), "\n")
