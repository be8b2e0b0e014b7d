package portalsim

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestSignIn(t *testing.T) {
	secret := NewTOTPSecret(3)
	w, err := NewCodingWorklist(Config{Accounts: 3, TOTPSecret: secret, RenderDelay: -1})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(w)
	defer srv.Close()
	c := client(t)
	if err := SignIn(context.Background(), c, srv.URL, UsernameDefault, PasswordDefault, secret); err != nil {
		t.Fatalf("SignIn: %v", err)
	}
	if status, _, body := get(t, c, srv.URL+"/accounts/"+w.Accounts()[0].Number); status != 200 || !strings.Contains(body, w.Accounts()[0].Number) {
		t.Fatalf("account page after SignIn: %d", status)
	}
	if err := SignIn(context.Background(), client(t), srv.URL, UsernameDefault, "wrong", secret); err == nil {
		t.Fatal("SignIn with a wrong password succeeded")
	}
}
