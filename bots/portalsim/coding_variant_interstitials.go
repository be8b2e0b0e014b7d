package portalsim

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"html/template"
	"net/http"
	"slices"
)

// Pages between sign-in and the worklist, and the consent banner. Each
// page is passed once per session: passing it sets a cookie bound to the
// session token, so a new sign-in meets them again. The consent banner is
// an overlay on every page (the login form too) until its button sets the
// cw_consent cookie, as cookie banners do.

// stepSurvey is the undeclared "password expires" page of
// SilentFaults.Survey.
const stepSurvey = "password"

// consentCookie is set by the consent banner's script.
const consentCookie = "cw_consent"

// Facilities the facility picker offers; any of them leads to the same
// enterprise worklist.
var facilityContexts = []string{
	"Cerulean Health System — HIM Coding (all facilities)",
	"Cerulean Health System — CDI (all facilities)",
	"Cerulean Health System — Patient Financial Services (all facilities)",
}

// steps returns the interstitial pages a session passes, in order.
func (w *CodingWorklist) steps() []string {
	var out []string
	if w.SilentFaults().Survey {
		out = append(out, stepSurvey)
	}
	if s, ok := w.spec(); ok {
		for _, i := range s.interstitials {
			if i != InterstitialConsent {
				out = append(out, i)
			}
		}
	}
	return out
}

func gateCookie(step string) string { return "cw_passed_" + step }

func gateTag(token, step string) string {
	sum := sha256.Sum256([]byte("portalsim-gate:" + step + ":" + token))
	return hex.EncodeToString(sum[:12])
}

func passed(r *http.Request, token, step string) bool {
	c, err := r.Cookie(gateCookie(step))
	return err == nil && subtle.ConstantTimeCompare([]byte(c.Value), []byte(gateTag(token, step))) == 1
}

// gate sends a signed-in session to the first interstitial it has not
// passed, remembering where it was going.
func (w *CodingWorklist) gate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		s, _ := SessionFrom(r)
		for _, step := range w.steps() {
			if !passed(r, s.Token, step) {
				http.Redirect(rw, r, "/welcome/"+step+"?next="+template.URLQueryEscaper(r.URL.RequestURI()), http.StatusFound)
				return
			}
		}
		next.ServeHTTP(rw, r)
	})
}

// needsConsent reports whether the consent banner covers this request's
// page.
func (w *CodingWorklist) needsConsent(r *http.Request) bool {
	s, ok := w.spec()
	if !ok || !s.has(InterstitialConsent) {
		return false
	}
	c, err := r.Cookie(consentCookie)
	return err != nil || c.Value != "accepted"
}

var stepTitles = map[string]string{
	stepSurvey:           "Password expires soon",
	InterstitialFacility: "Choose a facility",
	InterstitialTerms:    "Terms of use",
	InterstitialContinue: "Message of the day",
}

func (w *CodingWorklist) registerInterstitials(mux *http.ServeMux) {
	for step := range stepTitles {
		mux.Handle("GET /welcome/"+step, w.auth.Require(w.stepHandler(step, false)))
		mux.Handle("POST /welcome/"+step, w.auth.Require(w.stepHandler(step, true)))
	}
}

func (w *CodingWorklist) stepHandler(step string, post bool) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if !slices.Contains(w.steps(), step) {
			w.notFound(rw, "Page not found")
			return
		}
		if post {
			r.Body = http.MaxBytesReader(rw, r.Body, 16<<10)
			if err := r.ParseForm(); err != nil {
				http.Error(rw, "bad request", http.StatusBadRequest)
				return
			}
		}
		s, _ := SessionFrom(r)
		v := &variantView{Name: w.cfg.Variant, Step: step, Next: w.auth.safeNext(r.FormValue("next")), CSRF: s.CSRF}
		if step == InterstitialFacility {
			v.Options = facilityContexts
		}
		if post {
			switch {
			case !w.auth.CheckCSRF(r):
				v.Error = "Your form expired. Please try again."
			case step == InterstitialFacility && !slices.Contains(facilityContexts, r.PostFormValue("facility")):
				v.Error = "Choose a facility to continue."
			case step == InterstitialTerms && r.PostFormValue("accept") != "yes":
				v.Error = "You must accept the terms of use to continue."
			default:
				http.SetCookie(rw, &http.Cookie{Name: gateCookie(step), Value: gateTag(s.Token, step), Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
				http.Redirect(rw, r, v.Next, http.StatusSeeOther)
				return
			}
		}
		w.renderVariant(rw, r, http.StatusOK, "interstitial", page{Title: stepTitles[step], User: w.cfg.Username, Var: v})
	})
}
