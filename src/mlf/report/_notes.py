"""Short "how to read this" notes on each model the report shows, with the citations."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ModelNote:
    """A plain-words reading guide for one model and the works it rests on."""

    key: str
    title: str
    text: str
    citations: tuple[str, ...]


MODEL_NOTES: tuple[ModelNote, ...] = (
    ModelNote(
        "compromise",
        "Negotiation: the compromise model",
        "The forecast of each element is the average of the actors' positions, each weighted "
        "by capability times salience. It is static: there are no rounds, so each trajectory "
        "chart shows one point per actor and the forecast. Read it as where the weight of the "
        "table lies, not as a bargaining process.",
        (
            "Achen, C. H. (2006). Institutional realism and bargaining models. In R. Thomson, "
            "F. N. Stokman, C. H. Achen & T. König (eds.), The European Union Decides "
            "(pp. 86-123). Cambridge University Press.",
        ),
    ),
    ModelNote(
        "median",
        "Negotiation: the weighted median",
        "The forecast is the position of the weighted median actor (weights: capability times "
        "salience): on one dimension with single-peaked preferences no other point beats it in "
        "a weighted majority vote. It ignores how far away the others stand.",
        (
            "Black, D. (1948). On the rationale of group decision-making. Journal of Political "
            "Economy, 56(1), 23-34.",
        ),
    ),
    ModelNote(
        "nash",
        "Negotiation: the Nash bargaining solution",
        "The forecast maximises the product of the actors' gains over the status quo (their "
        "disagreement point), weighted by capability and salience (the asymmetric solution of "
        "Kalai). An actor who loses nothing by failure pulls the outcome towards itself.",
        (
            "Nash, J. F. (1950). The bargaining problem. Econometrica, 18(2), 155-162.",
            "Kalai, E. (1977). Nonsymmetric Nash solutions and replications of 2-person "
            "bargaining. International Journal of Game Theory, 6(3), 129-133.",
        ),
    ),
    ModelNote(
        "bdm",
        "Negotiation: the expected-utility model (Bueno de Mesquita)",
        "Each round every actor challenges others it expects to beat and gives way to those it "
        "expects to lose to; positions move, and the forecast (the weighted median of the "
        "current positions) is drawn as the thick line. The lines show who moved and when; "
        "the end point is the forecast, not a prediction of the date.",
        (
            "Bueno de Mesquita, B. (1994). Political forecasting: an expected utility method. "
            "In B. Bueno de Mesquita & F. N. Stokman (eds.), European Community Decision "
            "Making (pp. 71-104). Yale University Press.",
            "Scholz, J. B., Calbert, G. J. & Smith, G. A. (2011). Unravelling Bueno De "
            "Mesquita's group decision model. Journal of Theoretical Politics, 23(4), 510-531.",
        ),
    ),
    ModelNote(
        "smp",
        "Negotiation: the spatial model of politics (KTAB SMP)",
        "Actors form coalitions for and against each other's positions across all elements at "
        "once; the probability that a position prevails follows from the coalition strengths, "
        "and the forecast is the probability-weighted outcome, drawn round by round.",
        (
            "Wise, B., Lester, L., Efird, B. & Sen, S. (2015). KAPSARC Toolkit for Behavioral "
            "Analysis (KTAB): the spatial model of politics. KAPSARC, Riyadh.",
        ),
    ),
    ModelNote(
        "power",
        "Control: power indices of the control rule",
        "The control rule (who must agree before the force fires) is a simple game. A power "
        "index measures how often a member's vote decides the outcome: Banzhaf counts swings "
        "over all coalitions (Penrose's measure is the absolute form), Shapley-Shubik over "
        "orders of joining, Johnston shares each swing among the coalition's pivots, "
        "Deegan-Packel and Holler count only minimal winning coalitions, and Coleman's "
        "measures give the power to prevent and to initiate action and the game's power to "
        "act. A veto player belongs to every winning coalition; a dummy never decides.",
        (
            "Penrose, L. S. (1946). The elementary statistics of majority voting. Journal of "
            "the Royal Statistical Society, 109(1), 53-57.",
            "Banzhaf, J. F. (1965). Weighted voting doesn't work: a mathematical analysis. "
            "Rutgers Law Review, 19, 317-343.",
            "Shapley, L. S. & Shubik, M. (1954). A method for evaluating the distribution of "
            "power in a committee system. American Political Science Review, 48(3), 787-792.",
            "Johnston, R. J. (1978). On the measurement of power: some reactions to Laver. "
            "Environment and Planning A, 10(8), 907-914.",
            "Deegan, J. & Packel, E. W. (1978). A new index of power for simple n-person "
            "games. International Journal of Game Theory, 7(2), 113-123.",
            "Holler, M. J. (1982). Forming coalitions and measuring voting power. Political "
            "Studies, 30(2), 262-271.",
            "Coleman, J. S. (1971). Control of collectivities and the power of a collectivity "
            "to act. In B. Lieberman (ed.), Social Choice (pp. 269-300). Gordon and Breach.",
        ),
    ),
    ModelNote(
        "participation",
        "Participation: each nation's own decision",
        "A nation joins when its utility inside (policy satisfaction plus its voice in the "
        "control rule minus its cost as a share of its defence budget, each with the nation's "
        "own weight) is at least its outside option, given who else joins. Before the talks, "
        "each invited nation decides whether to come to the table at all: it comes when its "
        "utility on the best terms it could hope for (every open element at its own position, "
        "every invited nation in) reaches its outside option; only those at the table "
        "negotiate and may join. When the decisions settle, the member set shown is the end "
        "of the nations' best responses: no member wants to leave and no outsider at the table "
        "wants to enter (internal and external stability). When they cycle (A joins only if B "
        "is in, B only if A is out), the outcome is a cycle: no member set, the repeating sets "
        "shown. The margin is utility minus outside option; the 'what would change it' column "
        "gives the smallest change that flips the decision.",
        (
            "d'Aspremont, C., Jacquemin, A., Gabszewicz, J. J. & Weymark, J. A. (1983). On the "
            "stability of collusive price leadership. Canadian Journal of Economics, 16(1), "
            "17-25.",
            "Barrett, S. (1994). Self-enforcing international environmental agreements. Oxford "
            "Economic Papers, 46, 878-894.",
        ),
    ),
    ModelNote(
        "costs",
        "Cost sharing",
        "The annual cost (capital spread over the term plus operations) is divided by the "
        "agreed rule: in proportion to contributions or GDP, equally, or by a cost game. The "
        "Shapley value charges each member its average marginal cost over all orders of "
        "joining; the nucleolus makes the worst-treated coalition as well off as possible. "
        "Shares are also shown against each member's defence budget.",
        (
            "Shapley, L. S. (1953). A value for n-person games. In H. W. Kuhn & A. W. Tucker "
            "(eds.), Contributions to the Theory of Games II (pp. 307-317). Princeton "
            "University Press.",
            "Schmeidler, D. (1969). The nucleolus of a characteristic function game. SIAM "
            "Journal on Applied Mathematics, 17(6), 1163-1170.",
        ),
    ),
)

NEGOTIATION_MODELS = ("compromise", "median", "nash", "bdm", "smp")
